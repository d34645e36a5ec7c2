#!/usr/bin/env bash
# Distributed runs for real: two sshd instances on 127.0.0.2 and 127.0.0.3 (tools/
# loopback_cluster.sh), workers launched over SSH by libssh2, batches over libfabric. Results are
# compared with --local runs and an independent count; failures must end with a clear error, a
# non-zero exit within 10 s and no worker process left behind.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
start_cluster 2 1

# ---- results equal to --local ----
"$build/tools/gen_corpus" --size 8M --seed 11 "$tmp/corpus.txt"
if "$build/examples/wordcount" --remote "$config" "$tmp/corpus.txt" > "$tmp/remote.txt" 2> "$tmp/remote.err"; then
  strip "$tmp/remote.txt" > "$tmp/remote.sorted"
  "$build/examples/wordcount" --local 2 "$tmp/corpus.txt" | sort > "$tmp/local.sorted"
  if cmp -s "$tmp/remote.sorted" "$tmp/local.sorted" &&
     bash "$src/tools/check_wordcount.sh" "$tmp/corpus.txt" "$tmp/remote.sorted" >/dev/null; then
    ok "wordcount --remote equals --local and the independent count"
  else
    bad "wordcount --remote differs from --local: $(diff "$tmp/remote.sorted" "$tmp/local.sorted" | head -5)"
  fi
else
  bad "wordcount --remote failed: $(head -5 "$tmp/remote.err")"
fi

# 30 million items through two exchanges: both hosts send to each other in both at once (it
# deadlocked, 2 runs in 2, while one slow channel could hold back a host pair's credits).
items=$(scaled 30000000)
if timeout 120 "$build/tests/distributed/shuffle_job" --remote "$config" "$items" > "$tmp/sh_remote.txt" 2> "$tmp/sh.err"; then
  strip "$tmp/sh_remote.txt" > "$tmp/sh_remote.sorted"
  "$build/tests/distributed/shuffle_job" --local 2 "$items" | sort > "$tmp/sh_local.sorted"
  if [ -s "$tmp/sh_local.sorted" ] && cmp -s "$tmp/sh_remote.sorted" "$tmp/sh_local.sorted"; then
    ok "shuffle job --remote equals --local"
  else
    bad "shuffle job --remote differs from --local"
  fi
else
  bad "shuffle job --remote failed: $(head -5 "$tmp/sh.err")"
fi
no_leftover && ok "no worker left after successful runs" || bad "workers left after successful runs"

# ---- failures ----
expect_failure() {  # description, stderr regex, command...
  local what=$1 pattern=$2
  shift 2
  local start=$SECONDS
  timeout 30 "$@" > "$tmp/f.out" 2> "$tmp/f.err"
  local rc=$? took=$((SECONDS - start))
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$took" -le 10 ] && grep -Eq -e "$pattern" "$tmp/f.err" && no_leftover; then
    ok "$what (exit $rc in ${took}s)"
  else
    bad "$what: exit $rc in ${took}s, leftover: $(workers | tr '\n' ' '), stderr: $(head -3 "$tmp/f.err")"
  fi
}

sed -E "0,/ssh_port = $ssh_port/! s/ssh_port = $ssh_port/ssh_port = $((ssh_port + 7))/" "$config" > "$tmp/closed.toml"
expect_failure "a host on a closed port" "host 1 \(127\.0\.0\.3.*(refused|connect)" \
  "$build/examples/wordcount" --remote "$tmp/closed.toml" "$tmp/corpus.txt"

ssh-keygen -q -t ed25519 -N '' -f "$tmp/wrong_key"
sed -E "s|key_file = \"[^\"]*\"|key_file = \"$tmp/wrong_key\"|" "$config" > "$tmp/wrongkey.toml"
expect_failure "a wrong key" "authentication failed" \
  "$build/examples/wordcount" --remote "$tmp/wrongkey.toml" "$tmp/corpus.txt"

expect_failure "a worker that crashes mid-job" "host 1 .*(signal|status|abort)" \
  env RENOIR_FAULT_CRASH_HOST=1 RENOIR_FAULT_CRASH_AFTER_MS=300 \
  "$build/tests/distributed/shuffle_job" --remote "$config" 400000000

printf '[[host]]\naddress = "127.0.0.2"\nbase_port = 9500\nnum_cores = "two"\n' > "$tmp/malformed.toml"
expect_failure "a malformed config" "malformed\.toml:4:[0-9]+: .*num_cores" \
  "$build/examples/wordcount" --remote "$tmp/malformed.toml" "$tmp/corpus.txt"

expect_failure "a data-plane peer without the secret" "(secret|authenticat)" \
  env RENOIR_FAULT_BAD_SECRET_HOST=1 "$build/tests/distributed/shuffle_job" --remote "$config" 1000

# Sanitized builds (tools/sanitize.sh asan): the workers that sshd starts run sanitized too,
# with the options compiled into them (sshd passes no *SAN_OPTIONS), and a report on a worker
# fails the job with the report in the launcher's output.
# The options of the test's environment are removed first (the launcher would forward them), so
# that what is checked is what a worker gets by itself.
if grep -Eq '^RENOIR_SANITIZE:STRING=.*undefined' "$build/CMakeCache.txt" 2>/dev/null; then
  expect_failure "a UBSan report on a worker fails the job, with its stack trace" \
    "127\.0\.0\.3\|.*runtime error: signed integer overflow" \
    env -u UBSAN_OPTIONS -u ASAN_OPTIONS -u LSAN_OPTIONS RENOIR_FAULT_SANITIZER_HOST=1 RENOIR_FAULT_SANITIZER_KIND=overflow \
    "$build/tests/distributed/shuffle_job" --remote "$config" 1000
  grep -Eq '^127\.0\.0\.3\|.*#0 0x[0-9a-f]+ in ' "$tmp/f.err" && ok "the worker's report has a stack trace" ||
    bad "no stack trace in the worker's report: $(grep -m3 'runtime error' "$tmp/f.err")"
fi
if grep -Eq '^RENOIR_SANITIZE:STRING=.*address' "$build/CMakeCache.txt" 2>/dev/null; then
  expect_failure "a leak on a worker fails the job" "127\.0\.0\.3\|.*LeakSanitizer: detected memory leaks" \
    env -u UBSAN_OPTIONS -u ASAN_OPTIONS -u LSAN_OPTIONS RENOIR_FAULT_SANITIZER_HOST=1 RENOIR_FAULT_SANITIZER_KIND=leak \
    "$build/tests/distributed/shuffle_job" --remote "$config" 1000
  # ASAN_OPTIONS of the launcher's environment reach the workers.
  if env ASAN_OPTIONS=detect_leaks=0 RENOIR_FAULT_SANITIZER_HOST=1 RENOIR_FAULT_SANITIZER_KIND=leak \
      "$build/tests/distributed/shuffle_job" --remote "$config" 1000 > "$tmp/f.out" 2> "$tmp/f.err"; then
    ok "the launcher forwards ASAN_OPTIONS to the workers (detect_leaks=0: the leak is not reported)"
  else
    bad "ASAN_OPTIONS=detect_leaks=0 did not reach the worker: $(grep -m3 -E 'Sanitizer|error' "$tmp/f.err")"
  fi
fi

# Ctrl-C on the launcher stops every worker.
"$build/tests/distributed/shuffle_job" --remote "$config" 400000000 > /dev/null 2> "$tmp/int.err" &
launcher=$!
wait_for_workers 2
start=$SECONDS
kill -INT "$launcher"
wait "$launcher"
rc=$?
took=$((SECONDS - start))
if [ "$rc" -ne 0 ] && [ "$took" -le 10 ] && no_leftover; then
  ok "Ctrl-C on the launcher stops every worker (exit $rc in ${took}s)"
else
  bad "Ctrl-C: exit $rc in ${took}s, leftover: $(workers | tr '\n' ' ')"
fi

finish
