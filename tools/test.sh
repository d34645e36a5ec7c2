#!/usr/bin/env bash
# Sets everything up and runs the whole test suite, each test built once:
#   1. Release (build/): the library, examples, benchmarks and tools; every header compiled on its
#      own; the end-to-end tests of the examples and of the distributed jobs (real loopback
#      clusters), whose timings matter; the install check from an outside CMake project.
#   2. ASan + LSan + UBSan (build-asan/, tools/sanitize.sh asan): the GoogleTest suites (core, api,
#      launch, transport), where a memory error or undefined behaviour fails the test.
# Building every unit test a second time in Release would double the longest part of the run and
# check less than the sanitized build does.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
jobs=${JOBS:-$(nproc)}
bash "$root/tools/setup.sh"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" \
  -DRENOIR_TEST_SUITES="examples;distributed" >/dev/null
cmake --build "$build" -j "$jobs"
cmake --build "$build" -j "$jobs" --target checkheaders  # every header compiles on its own
ctest --test-dir "$build" --output-on-failure -j "$jobs"
bash "$root/tools/check_install.sh" "$build"
JOBS=$jobs RENOIR_SKIP_SETUP=1 bash "$root/tools/sanitize.sh" asan
