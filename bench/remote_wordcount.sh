#!/usr/bin/env bash
# Macro benchmark of a distributed run: wordcount over 2 loopback hosts x 1 core (sshd on
# 127.0.0.2/.3, launched over SSH, data over libfabric) next to --local 2 in the same run.
#   bench/remote_wordcount.sh [BUILD_DIR] [CORPUS] [REPEAT=3]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
corpus=${2:-${HOME}/.cache/renoir-bench/corpus-200M-seed42.txt}
repeat=${3:-3}
if [ ! -s "$corpus" ]; then
  mkdir -p "$(dirname "$corpus")"
  "$build/tools/gen_corpus" --size 200M --seed 42 "$corpus"
fi
tmp=$(mktemp -d)
cluster="$tmp/cluster"
trap 'bash "$root/tools/loopback_cluster.sh" stop "$cluster" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
port=$((20000 + RANDOM % 20000))
config=$(bash "$root/tools/loopback_cluster.sh" start "$cluster" 2 1 "$port" $((port + 1000)))

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
wc="$build/examples/wordcount"
"$wc" --local 2 "$corpus" | sort > "$tmp/local.txt"                       # warm-up + reference
"$wc" --remote "$config" "$corpus" | sed -E 's/^[0-9.]+\|//' | sort > "$tmp/remote.txt"  # warm-up (upload)
cmp -s "$tmp/local.txt" "$tmp/remote.txt" || { echo "remote_wordcount: results differ from --local" >&2; exit 1; }
: > "$tmp/l"
: > "$tmp/r"
: > "$tmp/lj"
: > "$tmp/rj"
job_time() { grep -Eo 'elapsed: [0-9.]+' "$1" | awk '{print $2}'; }
for _ in $(seq "$repeat"); do
  t=$(now); "$wc" --local 2 "$corpus" --top 1 > /dev/null 2> "$tmp/le"; awk -v a="$(now)" -v b="$t" 'BEGIN {print a - b}' >> "$tmp/l"
  job_time "$tmp/le" >> "$tmp/lj"
  t=$(now); "$wc" --remote "$config" "$corpus" --top 1 > "$tmp/re" 2>&1; awk -v a="$(now)" -v b="$t" 'BEGIN {print a - b}' >> "$tmp/r"
  job_time "$tmp/re" >> "$tmp/rj"
done
ratio() { awk -v r="$1" -v l="$2" 'BEGIN {printf "%.3f", r / l}'; }
l=$(median < "$tmp/l"); r=$(median < "$tmp/r")
lj=$(median < "$tmp/lj"); rj=$(median < "$tmp/rj")
# End to end: the whole command (the remote one includes SSH, process start, libfabric loading,
# connecting). Job: from the StreamContext to the results, on host 0 (includes connecting).
echo "remote_wordcount end_to_end local2_median_s=$l remote_2x1_median_s=$r ratio=$(ratio "$r" "$l")"
echo "remote_wordcount job local2_median_s=$lj remote_2x1_median_s=$rj ratio=$(ratio "$rj" "$lj")"
