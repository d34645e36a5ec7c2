#!/usr/bin/env bash
# The fault matrix, for real on a loopback cluster: a worker stopped (SIGSTOP), a deadlocked user
# function, a host whose traffic is dropped without its connections closing, its sshd killed,
# a crash, the input truncated mid-run, Ctrl-C on the launcher, and garbage sent to a worker's
# data-plane port while a job runs. Each fault must end the job with a non-zero exit, a message
# naming the host (or file) and what went wrong, within its bound, and no worker left behind;
# the garbage must leave the result unchanged. Prints one "matrix:" line per fault.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
start_cluster 2 1
job="$build/tests/distributed/shuffle_job"
forever=4000000000  # items: longer than any bound here

# A config that detects a stall (a running replica using no CPU) after 3 s instead of 60 s.
sed '1a stall_timeout_ms = 3000' "$config" > "$tmp/stall.toml"

last_rc=0 last_took=0
run_with_fault() {  # description, stderr regex, bound (s), fault command (run once 2 workers are up), job...
  local what=$1 pattern=$2 bound=$3 fault=$4
  shift 4
  "$@" > "$tmp/f.out" 2> "$tmp/f.err" &
  local launcher=$!
  wait_for_workers 2 || { bad "$what: the workers did not start"; kill -9 "$launcher"; return; }
  sleep 1  # the job is running
  local start=$EPOCHREALTIME
  eval "$fault"
  local waited=0
  while kill -0 "$launcher" 2>/dev/null && [ "$waited" -lt $((bound * 2 * 10)) ]; do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$launcher" 2>/dev/null; then kill -9 "$launcher"; fi
  wait "$launcher"
  local rc=$?
  local took
  took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  local orphans=0
  no_leftover || orphans=$(workers | wc -l)
  local message
  message=$(grep -E -m1 -e "$pattern" "$tmp/f.err" | cut -c1-220)
  echo "matrix: $what | exit $rc | ${took} s | ${message:-(no matching message)} | orphans: $orphans"
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 137 ] && awk -v t="$took" -v b="$bound" 'BEGIN { exit !(t <= b) }' &&
     [ -n "$message" ] && [ "$orphans" = 0 ]; then
    ok "$what (exit $rc in $took s)"
  else
    bad "$what: exit $rc in $took s (bound $bound s), orphans $orphans, stderr: $(tail -5 "$tmp/f.err")"
  fi
  last_rc=$rc last_took=$took
}
host1_worker() { for pid in $(workers); do grep -qz '^RENOIR_HOST_ID=1$' "/proc/$pid/environ" 2>/dev/null && echo "$pid"; done; }

# 1. SIGSTOP: silent, connections open. Peer timeout (5 s) + the launcher's grace.
run_with_fault "worker stopped (SIGSTOP)" "127\.0\.0\.3.*sent nothing" 15 \
  'kill -STOP $(host1_worker)' "$job" --remote "$config" "$forever"

# 2. A user function that deadlocks: the stall watchdog (stall_timeout_ms = 3000).
run_with_fault "deadlocked user function" "host 1.*(stall|stuck|no progress)|(stall|stuck|no progress).*127\.0\.0\.3" 15 \
  ':' env RENOIR_FAULT_DEADLOCK_HOST=1 "$job" --remote "$tmp/stall.toml" "$forever"

# 3. Off the network without closing anything: host 1's data-plane packets dropped.
if command -v iptables >/dev/null && iptables -L -n >/dev/null 2>&1; then
  drop=(-p tcp -m multiport --ports "$base_port")
  cut_off() { iptables -I INPUT -s 127.0.0.3 "${drop[@]}" -j DROP && iptables -I INPUT -d 127.0.0.3 "${drop[@]}" -j DROP; }
  reconnect() {
    iptables -D INPUT -s 127.0.0.3 "${drop[@]}" -j DROP 2>/dev/null
    iptables -D INPUT -d 127.0.0.3 "${drop[@]}" -j DROP 2>/dev/null
    true
  }
  cleanup_hooks+=(reconnect)
  run_with_fault "host off the network (packets dropped)" "127\.0\.0\.3.*(sent nothing|lost|timed out)" 15 \
    'cut_off' "$job" --remote "$config" "$forever"
  reconnect
else
  echo "matrix: host off the network | skipped: iptables not usable here"
fi

# 4. sshd of host 1 killed mid-run (the listener and the session's process).
kill_sshd() {
  local listener
  listener=$(cat "$cluster/sshd-1.pid")
  kill -9 $(pgrep -P "$listener") "$listener"
}
run_with_fault "sshd of host 1 killed" "host 1.*127\.0\.0\.3|127\.0\.0\.3.*(ssh|session|closed|lost)" 15 \
  'kill_sshd' "$job" --remote "$config" "$forever"
start_cluster 2 1

# 5. A crash (abort) mid-job.
run_with_fault "worker crashes (abort)" "host 1 .*(signal|status|abort)" 10 \
  ':' env RENOIR_FAULT_CRASH_HOST=1 RENOIR_FAULT_CRASH_AFTER_MS=3000 "$job" --remote "$config" "$forever"

# 6. The input truncated while the job reads it.
"$build/tools/gen_corpus" --size "$(scaled 400)M" --seed 5 "$tmp/big.txt"
run_with_fault "input truncated mid-run" "big\.txt.*(shrank|truncat|changed)" 15 \
  'truncate -s 1M "$tmp/big.txt"' "$build/examples/wordcount" --remote "$config" "$tmp/big.txt"
rm -f "$tmp/big.txt"

# 7. Ctrl-C on the launcher.
run_with_fault "Ctrl-C on the launcher" "renoir-launch: stopped by SIGINT" 10 \
  'kill -INT $launcher' "$job" --remote "$config" "$forever"

# 8. Garbage on host 1's data-plane port while a job runs: the result is unchanged, one line logged.
items=$(scaled 60000000)  # about 7 s: still running when the last garbage is sent
"$job" --local 2 "$items" | sort > "$tmp/clean.sorted"
"$job" --remote "$config" "$items" > "$tmp/g.out" 2> "$tmp/g.err" &
launcher=$!
wait_for_workers 2  # the sender retries until the worker listens
python3 - 127.0.0.3 "$base_port" <<'PY' 2>>"$tmp/g.err"
import socket, sys, time, os
host, port = sys.argv[1], int(sys.argv[2])
def send(data, linger=0.2):
    for attempt in range(100):  # the worker may not listen yet on a loaded machine
        try:
            s = socket.create_connection((host, port), timeout=2)
            break
        except ConnectionRefusedError:
            time.sleep(0.1)
    else:
        print("garbage sender: the worker never listened", file=sys.stderr)
        return
    try:
        if data: s.sendall(data)
        time.sleep(linger)
        s.close()
    except OSError as e:
        print("garbage sender:", e, file=sys.stderr)
send(os.urandom(4096))                              # noise
send(b"\xff\xff\xff\xff\xff\xff\xff\x7f" * 8)        # a huge length prefix
send(b"\x01\x00\x00\x00\x10")                        # a truncated hello
send(b"", linger=0.5)                               # opens and never speaks
PY
kill -0 "$launcher" 2>/dev/null && mid_job=true || mid_job=false  # else the check proves nothing
wait "$launcher"
rc=$?
strip "$tmp/g.out" > "$tmp/g.sorted"
logged=$(grep -E -m1 '^(127\.0\.0\.3\|)?renoir: ' "$tmp/g.err" | cut -c1-200)
echo "matrix: garbage on the data plane | exit $rc | result $(cmp -s "$tmp/g.sorted" "$tmp/clean.sorted" && echo unchanged || echo CHANGED) | ${logged:-(nothing logged)} | orphans: $(workers | wc -l)"
if $mid_job && [ "$rc" -eq 0 ] && [ -s "$tmp/clean.sorted" ] && cmp -s "$tmp/g.sorted" "$tmp/clean.sorted" && [ -n "$logged" ]; then
  ok "garbage on the data plane: rejected, logged, result unchanged"
else
  bad "garbage on the data plane: exit $rc, still running when the garbage was sent: $mid_job, stderr: $(head -5 "$tmp/g.err")"
fi
no_leftover && ok "no worker left at the end" || bad "workers left at the end: $(workers | tr '\n' ' ')"

finish
