#!/usr/bin/env bash
# Sets everything up, builds Release, generates a 200 MB corpus and counts its words on all cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
bash "$root/tools/setup.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target wordcount gen_corpus
corpus=${CORPUS:-$build/corpus-200M.txt}
[ -s "$corpus" ] || "$build/tools/gen_corpus" --size 200M --seed 1 "$corpus"
cores=$(nproc)
echo "wordcount --local $cores $corpus (top 10 words):"
"$build/examples/wordcount" --local "$cores" "$corpus" --top 10
