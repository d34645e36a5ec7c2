#!/usr/bin/env bash
# Runs every benchmark of bench/ and prints a summary of the figures and ratios.
#
# Usage: bench/run_all.sh [BUILD_DIR]        (default: the build/ folder next to bench/)
#
# Builds nothing: first `ninja -C BUILD_DIR ring_bench chain_bench wordcount_bench iterative_bench
# gen_corpus gen_points gen_graph`. The inputs of the iterative jobs (fixed seeds) are generated
# into $RENOIR_BENCH_CACHE/iterative once.
# The word-count corpus (~200 MB, fixed seed, byte-identical on every machine) is generated once
# with BUILD_DIR/tools/gen_corpus into $RENOIR_BENCH_CACHE (default ~/.cache/renoir-bench) and
# reused. Takes about 2-3 minutes on 2 cores. Environment knobs:
#   RENOIR_BENCH_CACHE    where the corpus is kept
#   RING_MIN_TIME         --benchmark_min_time of ring_bench, seconds (default 0.3)
#   CHAIN_MIN_TIME        --benchmark_min_time of chain_bench, seconds (default 1)
#   REPETITIONS           --benchmark_repetitions of both (default 5; the summary takes medians,
#                         and repetitions of different variants are interleaved in random order
#                         so that a slow spell of a noisy machine does not hit only one of them)
#   WORDCOUNT_THREADS     --threads of wordcount_bench (default 2)
#   WORDCOUNT_REPEAT      --repeat of wordcount_bench (default 7)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-$here/../build}"
build="$(cd "$build" && pwd)"

ring_min_time="${RING_MIN_TIME:-0.3}"
chain_min_time="${CHAIN_MIN_TIME:-1}"
repetitions="${REPETITIONS:-5}"
wc_threads="${WORDCOUNT_THREADS:-2}"
wc_repeat="${WORDCOUNT_REPEAT:-7}"
gbench_flags=(--benchmark_repetitions="$repetitions" --benchmark_report_aggregates_only=true)
if ((repetitions > 1)); then gbench_flags+=(--benchmark_enable_random_interleaving=true); fi

for exe in bench/ring_bench bench/chain_bench bench/wordcount_bench bench/iterative_bench tools/gen_corpus \
  tools/gen_points tools/gen_graph examples/nexmark tools/nexmark_reference bench/nexmark_latency \
  bench/windowed_wordcount_handwritten examples/wordcount_windowed; do
  if [[ ! -x "$build/$exe" ]]; then
    echo "run_all.sh: $build/$exe is missing; build it first:" >&2
    echo "  ninja -C $build ring_bench chain_bench wordcount_bench iterative_bench gen_corpus gen_points gen_graph nexmark nexmark_reference nexmark_latency windowed_wordcount_handwritten wordcount_windowed" >&2
    exit 2
  fi
done

# ---- corpus: 200 MiB, seed 42, generated once ----
corpus_size=200M
corpus_bytes=$((200 * 1024 * 1024))
corpus_seed=42
cache="${RENOIR_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/renoir-bench}"
mkdir -p "$cache"
corpus="$cache/corpus-${corpus_size}-seed${corpus_seed}.txt"
if [[ ! -f "$corpus" || "$(stat -c %s "$corpus")" != "$corpus_bytes" ]]; then
  echo "== generating $corpus"
  tmp="$(mktemp "$cache/corpus.XXXXXX")"
  trap 'rm -f "$tmp"' EXIT
  "$build/tools/gen_corpus" --size "$corpus_size" --seed "$corpus_seed" "$tmp"
  mv "$tmp" "$corpus"
  trap - EXIT
fi

out="$(mktemp -d "${TMPDIR:-/tmp}/renoir-bench.XXXXXX")"
trap 'rm -rf "$out"' EXIT
start=$SECONDS
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

echo "== ring_bench (min_time ${ring_min_time}s x ${repetitions} repetitions)"
"$build/bench/ring_bench" --benchmark_min_time="$ring_min_time" "${gbench_flags[@]}" 2>&1 | tee "$out/ring.txt"

echo
echo "== chain_bench (min_time ${chain_min_time}s x ${repetitions} repetitions)"
"$build/bench/chain_bench" --benchmark_min_time="$chain_min_time" "${gbench_flags[@]}" 2>&1 | tee "$out/chain.txt"

echo
echo "== wordcount_bench ($corpus, $wc_threads threads, $wc_repeat runs each)"
status=0
"$build/bench/wordcount_bench" "$corpus" --threads "$wc_threads" --repeat "$wc_repeat" 2>&1 | tee "$out/wordcount.txt" ||
  status=1

echo
data="$cache/iterative"
if [[ ! -f "$data/done" ]]; then
  echo "== generating the inputs of the iterative jobs in $data"
  mkdir -p "$data"
  "$build/tools/gen_points" --points 1000000 --blobs 30 --seed 1 "$data/points.csv"
  "$build/tools/gen_graph" rmat --scale 17 --edges 1000000 --seed 2 "$data/rmat17.csv"
  "$build/tools/gen_graph" rmat --scale 16 --edges 500000 --seed 3 --undirected "$data/rmat16u.csv"
  "$build/tools/gen_graph" uniform --nodes 1000 --edges 2000 --seed 4 "$data/digraph.csv"
  touch "$data/done"
fi
echo "== iterative_bench ($data, ${ITERATIVE_REPEAT:-3} runs each)"
"$build/bench/iterative_bench" "$data" --repeat "${ITERATIVE_REPEAT:-3}" 2>&1 | tee "$out/iterative.txt" || status=1

echo
echo "== streaming: nexmark_bench.sh, nexmark_latency, windowed_wordcount_bench.sh"
EVENTS="${NEXMARK_EVENTS:-10000000}" REPEAT="${NEXMARK_REPEAT:-3}" bash "$here/nexmark_bench.sh" "$build" 2>&1 | tee "$out/nexmark.txt" || status=1
"$build/bench/nexmark_latency" --local 2 --rate 1000000 --seconds 10 2>&1 | tee "$out/latency.txt" || status=1
bash "$here/windowed_wordcount_bench.sh" "$build" 2>&1 | tee "$out/windowed.txt" || status=1

echo
echo "================ summary ($((SECONDS - start)) s) ================"
# Other work on the machine skews the figures (ratios less so): the load shows how quiet it was.
echo "machine cores=$(nproc) loadavg_before=\"$load_before\" loadavg_after=\"$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')\""
grep -h -E '^(ring|chain) ' "$out/ring.txt" "$out/chain.txt" || true
grep -h -E '^wordcount (engine_median_s|check=FAILED)' "$out/wordcount.txt" || true
grep -h -E '^(kmeans|pagerank|connected|triangles|transitive|loop)' "$out/iterative.txt" || true
grep -h -E '^(q[0-9]|nexmark_latency|windowed_wordcount)' "$out/nexmark.txt" "$out/latency.txt" "$out/windowed.txt" || true
# Non-zero status if the word counts disagreed (or a benchmark failed).
if grep -q -E ' NO( |$)' "$out/iterative.txt"; then status=1; fi
if grep -q -E 'check=FAILED|ERROR OCCURRED' "$out/wordcount.txt" "$out/ring.txt" "$out/chain.txt"; then status=1; fi
exit "$status"
