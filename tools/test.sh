#!/usr/bin/env bash
# Sets everything up, builds, and runs the whole test suite (CTest), then checks the installed
# package from an outside CMake project.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
jobs=${JOBS:-$(nproc)}
bash "$root/tools/setup.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$jobs"
cmake --build "$build" -j "$jobs" --target checkheaders  # every header compiles on its own
ctest --test-dir "$build" --output-on-failure -j "$jobs"
bash "$root/tools/check_install.sh" "$build"
