#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan+UBSan) and runs each one for
# SECONDS (default 60) on a copy of its seed corpus, JOBS (default 2) at a time; fails if any of
# them finds a crash.
#   bash tools/fuzz.sh            # CI: 60 s per target
#   bash tools/fuzz.sh 3600       # a longer local run
#   FUZZ_TARGETS="wire csv" bash tools/fuzz.sh 600
# Crashing inputs are kept in $FUZZ_BUILD_DIR/fuzz-run/TARGET/ (reproduce: the target binary
# with the file as its argument); the committed corpus under tests/fuzz/corpus is never written.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
jobs=${JOBS:-2}
targets=(${FUZZ_TARGETS:-cluster_config wire protocol csv line_reader})

bash "$root/tools/setup.sh" clang libclang-rt-14-dev  # the project's packages, and clang's

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ \
  "${launcher[@]}" -DRENOIR_FUZZ=ON -DRENOIR_BUILD_TESTS=OFF -DRENOIR_BUILD_BENCH=OFF \
  -DRENOIR_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target $(printf 'fuzz_%s ' "${targets[@]}")

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
run="$build/fuzz-run"
rm -rf "$run"
# JOBS targets at a time (each libFuzzer process uses one core).
fuzz_one() {
  local t=$1 dir="$run/$1"
  mkdir -p "$dir/corpus"
  cp -r "$root/tests/fuzz/corpus/$t/." "$dir/corpus/"
  local options=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048
    -malloc_limit_mb=256 -artifact_prefix="$dir/")
  [ -f "$root/tests/fuzz/$t.dict" ] && options+=(-dict="$root/tests/fuzz/$t.dict")
  local status=0
  timeout $((seconds + 300)) "$build/tests/fuzz/fuzz_$t" "${options[@]}" "$dir/corpus" \
    >"$dir/log" 2>&1 || status=$?
  echo "$status" > "$dir/status"
}
running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
  echo "fuzz: $t for ${seconds} s"
  fuzz_one "$t" &
  running=$((running + 1))
done
wait || true
failed=()
summary=()
for t in "${targets[@]}"; do
  dir="$run/$t"
  status=$(cat "$dir/status" 2>/dev/null || echo "?")
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  stats=$(grep -E '^#[0-9]+' "$dir/log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)
  files=$(find "$dir/corpus" -type f | wc -l)
  bytes=$(du -sb "$dir/corpus" | cut -f1)
  line=$(printf '%-15s executions %-10s %-22s corpus %s files, %s bytes' "$t" "${execs:-?}" \
    "${stats:-cov: ? ft: ?}" "$files" "$bytes")
  if [ "$status" != 0 ]; then
    failed+=("$t")
    line="$line  FAILED (exit $status)"
    echo "fuzz: $t failed; the end of its log ($dir/log):"
    tail -n 60 "$dir/log"
    ls "$dir" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | sed "s|^|fuzz: input kept: $dir/|" || true
  fi
  summary+=("$line")
done
echo "fuzz: ${seconds} s per target (cov: edges covered, ft: features)"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}"
  exit 1
fi
