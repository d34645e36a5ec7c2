#!/usr/bin/env bash
# Nexmark throughput: every query q0..q8 at --local 1 and --local 2 against the hand-written
# single-threaded version (tools/nexmark_reference), in the same run, each a fresh process
# timed with its peak RSS; the two summaries (rows, checksum) must be equal.
#
# Usage: bench/nexmark_bench.sh [BUILD_DIR]   (needs BUILD_DIR/examples/nexmark and
#        BUILD_DIR/tools/nexmark_reference). EVENTS (default 10000000), QUERIES (default
#        "0 1 2 3 4 5 6 7 8"), REPEAT (default 3, the median time is kept).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$(cd "${1:-$here/../build}" && pwd)"
events="${EVENTS:-10000000}"
queries="${QUERIES:-0 1 2 3 4 5 6 7 8}"
repeat="${REPEAT:-3}"
for exe in examples/nexmark tools/nexmark_reference; do
  [[ -x "$build/$exe" ]] || { echo "nexmark_bench.sh: build $build/$exe first" >&2; exit 2; }
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# run NAME CMD...: median wall seconds over REPEAT runs, and the largest peak RSS (KiB).
run() {
  local name=$1; shift
  local times=() rss=0
  for ((i = 0; i < repeat; i++)); do
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" || {
      echo "nexmark_bench.sh: $name failed:" >&2; cat "$tmp/$name.err" >&2; exit 1; }
    read -r t m < "$tmp/time"
    times+=("$t")
    ((m > rss)) && rss=$m
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(((repeat + 1) / 2))p")
  echo "$median $rss"
}

printf '%-4s %12s %12s %12s %8s %8s %9s %9s %9s\n' query ref_ev/s local1_ev/s local2_ev/s ratio1 ratio2 ref_MiB l1_MiB l2_MiB
for q in $queries; do
  read -r tr mr < <(run ref "$build/tools/nexmark_reference" --events "$events" --query "$q")
  cp "$tmp/ref.out" "$tmp/ref.keep"
  read -r t1 m1 < <(run l1 "$build/examples/nexmark" --local 1 --events "$events" --query "$q")
  read -r t2 m2 < <(run l2 "$build/examples/nexmark" --local 2 --events "$events" --query "$q")
  for v in l1 l2; do
    if ! cmp -s "$tmp/ref.keep" "$tmp/$v.out"; then
      echo "nexmark_bench.sh: q$q $v differs from the reference: $(cat "$tmp/$v.out") vs $(cat "$tmp/ref.keep")" >&2
      exit 1
    fi
  done
  awk -v q="$q" -v e="$events" -v tr="$tr" -v t1="$t1" -v t2="$t2" -v mr="$mr" -v m1="$m1" -v m2="$m2" 'BEGIN {
    printf "q%-3s %12.0f %12.0f %12.0f %8.2f %8.2f %9.1f %9.1f %9.1f\n", q, e / tr, e / t1, e / t2, tr / t1, tr / t2,
      mr / 1024, m1 / 1024, m2 / 1024 }'
done
echo "(ratio = engine events/s over the hand-written single-threaded events/s; outputs checked equal)"
