#!/usr/bin/env bash
# Jobs started by Open MPI's mpirun instead of renoir's SSH launcher: each process takes its host
# id from OMPI_COMM_WORLD_RANK, the hosts from the cluster file, the secret from
# RENOIR_JOB_SECRET; MPI only launches, libfabric carries the data (127.0.0.2 and 127.0.0.3).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
if ! command -v mpirun >/dev/null; then
  bad "mpirun not found (apt-get install openmpi-bin)"
  finish
fi
cat > "$tmp/mpi.toml" <<CFG
[[host]]
address = "127.0.0.2"
base_port = $base_port
num_cores = 1
[[host]]
address = "127.0.0.3"
base_port = $base_port
num_cores = 1
CFG
# Open MPI refuses root without these; --oversubscribe: more processes than it counts slots.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export RENOIR_JOB_SECRET
RENOIR_JOB_SECRET=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
mpi() { timeout 120 mpirun -np "$1" -x RENOIR_JOB_SECRET "${@:2}"; }

"$build/tools/gen_corpus" --size 8M --seed 5 "$tmp/corpus.txt"
if mpi 2 "$build/examples/wordcount" --remote "$tmp/mpi.toml" "$tmp/corpus.txt" > "$tmp/mpi.txt" 2> "$tmp/mpi.err"; then
  sort "$tmp/mpi.txt" > "$tmp/mpi.sorted"
  "$build/examples/wordcount" --local 2 "$tmp/corpus.txt" | sort > "$tmp/local.sorted"
  if [ -s "$tmp/local.sorted" ] && cmp -s "$tmp/mpi.sorted" "$tmp/local.sorted" &&
     bash "$src/tools/check_wordcount.sh" "$tmp/corpus.txt" "$tmp/mpi.sorted" >/dev/null; then
    ok "wordcount under mpirun -np 2 equals --local and the independent count"
  else
    bad "wordcount under mpirun differs from --local: $(diff "$tmp/mpi.sorted" "$tmp/local.sorted" | head -5)"
  fi
else
  bad "wordcount under mpirun failed: $(head -5 "$tmp/mpi.err")"
fi

# The shuffle job over `np` processes of `config` gives what --local 2 gives.
check_shuffle() {  # np, config, items, description
  local np=$1 cfg=$2 items=$3 what=$4 out="$tmp/sh$1"
  if mpi "$np" "$build/tests/distributed/shuffle_job" --remote "$cfg" "$items" > "$out.txt" 2> "$out.err"; then
    sort "$out.txt" > "$out.sorted"
    "$build/tests/distributed/shuffle_job" --local 2 "$items" | sort > "$out.local"
    if [ -s "$out.local" ] && cmp -s "$out.sorted" "$out.local"; then
      ok "shuffle job $what equals --local"
    else
      bad "shuffle job $what differs from --local: $(diff "$out.sorted" "$out.local" | head -5)"
    fi
  else
    bad "shuffle job $what failed: $(head -5 "$out.err")"
  fi
}
check_shuffle 2 "$tmp/mpi.toml" "$(scaled 10000000)" "under mpirun -np 2"

# 16 processes on 8 loopback addresses (127.0.0.2..9, two processes each on ports of their own),
# oversubscribing the machine's cores: every pair of processes exchanges batches.
for i in $(seq 0 15); do
  printf '[[host]]\naddress = "127.0.0.%d"\nbase_port = %d\nnum_cores = 1\n' $((i / 2 + 2)) $((base_port + 100 * (i % 2)))
done > "$tmp/mpi16.toml"
check_shuffle 16 "$tmp/mpi16.toml" "$(scaled 2000000)" "over 16 processes (mpirun -np 16, 8 addresses)"

# Mistakes end with an error that says what to do, not a hang.
expect_mpi_error() {  # description, stderr regex, command...
  local what=$1 pattern=$2
  shift 2
  local start=$SECONDS
  "$@" > "$tmp/f.out" 2> "$tmp/f.err"
  local rc=$? took=$((SECONDS - start))
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$took" -le 30 ] && grep -Eq -e "$pattern" "$tmp/f.err"; then
    ok "$what (exit $rc in ${took}s)"
  else
    bad "$what: exit $rc in ${took}s, stderr: $(head -3 "$tmp/f.err")"
  fi
}
expect_mpi_error "three processes for a two-host file" "started 3 processes but .*mpi.toml lists 2 hosts" \
  mpi 3 "$build/examples/wordcount" --remote "$tmp/mpi.toml" "$tmp/corpus.txt"
expect_mpi_error "no job secret" "RENOIR_JOB_SECRET is not" \
  env -u RENOIR_JOB_SECRET timeout 60 mpirun -np 2 "$build/examples/wordcount" --remote "$tmp/mpi.toml" "$tmp/corpus.txt"
if grep -q "$RENOIR_JOB_SECRET" "$tmp/mpi.err" "$tmp/sh2.err" "$tmp/sh16.err" "$tmp/f.err"; then bad "the secret was printed"; else ok "the secret is never printed"; fi
finish
