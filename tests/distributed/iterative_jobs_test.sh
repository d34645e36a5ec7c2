#!/usr/bin/env bash
# End-to-end checks of the five iterative examples (kmeans, pagerank, connected_components,
# triangles, transitive_closure) on generated inputs: at --local 1, --local 2 and --remote over
# two loopback hosts, each output checked against tests/examples/check_jobs.py, an independent
# Python computation; bad rows and bad command lines give clear errors.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
start_cluster 2 1
check="$src/tests/examples/check_jobs.py"

"$build/tools/gen_points" --points "$(scaled 40000)" --blobs 8 --seed 21 "$tmp/points.csv"
"$build/tools/gen_graph" rmat --scale 12 --edges "$(scaled 40000)" --seed 22 "$tmp/rmat.csv"
"$build/tools/gen_graph" rmat --scale 12 --edges "$(scaled 30000)" --seed 23 --undirected "$tmp/undirected.csv"
"$build/tools/gen_graph" uniform --nodes 300 --edges 450 --seed 24 "$tmp/digraph.csv"

run_job() {  # name, input, args...: every mode, each output checked
  local job=$1 input=$2
  shift 2
  for mode in "--local 1" "--local 2" "--remote $config"; do
    # shellcheck disable=SC2086
    if timeout 120 "$build/examples/$job" $mode "$input" "$@" > "$tmp/raw.out" 2> "$tmp/err.txt"; then
      unprefix "$tmp/raw.out" > "$tmp/out.txt"
      if python3 "$check" "$job" "$input" "$@" --actual "$tmp/out.txt" > "$tmp/check.txt" 2>&1; then
        ok "$job ${mode%% /*} ($(head -1 "$tmp/out.txt"))"
      else
        bad "$job ${mode%% /*}: $(head -8 "$tmp/check.txt")"
      fi
    else
      bad "$job ${mode%% /*} failed: $(head -5 "$tmp/err.txt")"
    fi
  done
}

run_job kmeans "$tmp/points.csv" --centroids 6 --iterations 12
run_job pagerank "$tmp/rmat.csv" --nodes 4096 --iterations 15
run_job connected_components "$tmp/undirected.csv" --nodes 4096 --max-iterations 100
run_job connected_components "$tmp/undirected.csv" --nodes 4096 --max-iterations 2
run_job triangles "$tmp/undirected.csv"
run_job transitive_closure "$tmp/digraph.csv" --max-iterations 1000
# iterate with exchanges in its body, a nested replay, a join inside a loop: the same at every
# topology and equal to a sequential computation (python, below).
expected=$(python3 - <<'PY'
n = 5000
items = list(range(n)); state = 0
for _ in range(6):
    items = [(x * 7 + 3) % n for x in items]; state += sum(items)
outer = 0
for _ in range(3):
    xs = [x + outer % 5 for x in range(200)]
    pairs = [a - b for a in xs for b in xs if a % 10 == (b + 1) % 10]
    outer += 2 * sum(p * p for p in pairs)
print(f"iterate_sum {sum(items)}\niterate_state {state}\nnested {outer}")
PY
)
for mode in "--local 1" "--local 2" "--remote $config"; do
  # shellcheck disable=SC2086
  got=$(timeout 120 "$build/tests/distributed/loop_job" $mode 5000 2> "$tmp/err.txt" | sed -E 's/^127\.0\.0\.[0-9]+\|//')
  if [ "$got" = "$expected" ]; then ok "loop_job ${mode%% /*}"; else bad "loop_job ${mode%% /*}: got '$got', want '$expected' $(head -3 "$tmp/err.txt")"; fi
done
no_leftover && ok "no worker left" || bad "workers left behind"

printf '1,2\n3,x\n' > "$tmp/bad.csv"
expect_error "a bad row names the file" "bad\.csv: bad row '3,x'" 1 "$build/examples/pagerank" --local 2 "$tmp/bad.csv" --nodes 10 --iterations 3
printf '1,2\n3,40\n' > "$tmp/big.csv"
expect_error "a node id beyond --nodes" "edge 3,40 names a node >= --nodes 10" 1 "$build/examples/connected_components" --local 2 "$tmp/big.csv" --nodes 10 --max-iterations 3
expect_error "a missing option" "missing --iterations" 2 "$build/examples/kmeans" --local 2 "$tmp/points.csv" --centroids 3
printf '1,2\n3,4\n' > "$tmp/two.csv"
expect_error "fewer points than centroids" "2 points, fewer than --centroids 9" 1 "$build/examples/kmeans" --local 1 "$tmp/two.csv" --centroids 9 --iterations 1
finish
