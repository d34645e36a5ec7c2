#!/usr/bin/env bash
# Installs renoir from a build tree into a temporary prefix and builds and runs an outside
# project that uses find_package(renoir CONFIG) and links renoir::renoir.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: check_install.sh BUILD_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$root/tools/consumer" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
out=$("$work/build/consumer" --local 2)
if [ "$out" != "sum=499500 count=1000" ]; then
  echo "check_install: consumer printed '$out', expected 'sum=499500 count=1000'" >&2
  exit 1
fi
echo "check_install: 1 passed, 0 failed (find_package(renoir) consumer built and ran)"
