#!/usr/bin/env bash
# Windowed word count (examples/wordcount_windowed) at --local 1 and --local 2 against the
# hand-written single-threaded version, same run, same output checked; times and peak RSS.
# Usage: bench/windowed_wordcount_bench.sh [BUILD_DIR]  (CORPUS: a text file, default a 20 MB
# corpus generated with gen_corpus into $RENOIR_BENCH_CACHE; WINDOW/SLIDE in lines, 1000/200).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$(cd "${1:-$here/../build}" && pwd)"
window="${WINDOW:-1000}"
slide="${SLIDE:-200}"
cache="${RENOIR_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/renoir-bench}"
mkdir -p "$cache"
corpus="${CORPUS:-$cache/corpus-20M-seed7.txt}"
[[ -f "$corpus" ]] || "$build/tools/gen_corpus" --size 20M --seed 7 "$corpus"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
measure() {  # name cmd...: "seconds rss_kib"
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$tmp/$name.time" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" || { cat "$tmp/$name.err" >&2; exit 1; }
  cat "$tmp/$name.time"
}
read -r th mh < <(measure hand "$build/bench/windowed_wordcount_handwritten" "$corpus" "$window" "$slide")
read -r t1 m1 < <(measure l1 "$build/examples/wordcount_windowed" --local 1 "$corpus" "$window" "$slide")
read -r t2 m2 < <(measure l2 "$build/examples/wordcount_windowed" --local 2 "$corpus" "$window" "$slide")
for v in l1 l2; do cmp -s "$tmp/hand.out" "$tmp/$v.out" || { echo "windowed_wordcount_bench.sh: $v differs from the hand-written output" >&2; exit 1; }; done
awk -v th="$th" -v t1="$t1" -v t2="$t2" -v mh="$mh" -v m1="$m1" -v m2="$m2" -v rows="$(wc -l < "$tmp/hand.out")" 'BEGIN {
  printf "windowed_wordcount rows=%d hand=%.2fs local1=%.2fs local2=%.2fs ratio1=%.2f ratio2=%.2f rss_MiB hand=%.0f local1=%.0f local2=%.0f\n",
    rows, th, t1, t2, th / t1, th / t2, mh / 1024, m1 / 1024, m2 / 1024 }'
echo "(ratio = hand-written time over the engine's: above 1, the engine is faster)"
