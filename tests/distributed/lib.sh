# Shared by the distributed test scripts (sourced): a loopback cluster of real sshd instances,
# pass/fail counting, and the checks for worker processes left behind.
#   start_cluster BUILD_DIR SOURCE_DIR [HOSTS=2] [CORES=1]  sets tmp, cluster, config, ssh_port, base_port
build=${1:?usage: $0 BUILD_DIR SOURCE_DIR}
src=${2:?usage: $0 BUILD_DIR SOURCE_DIR}
tmp=$(mktemp -d)
cluster="$tmp/cluster"
ssh_port=$((10000 + RANDOM % 20000))  # ports stay below the ephemeral range (32768+)
base_port=$((ssh_port + 1000))
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAILED: $1"; }
cleanup_hooks=()
cleanup() {
  for hook in "${cleanup_hooks[@]}"; do eval "$hook"; done
  bash "$src/tools/loopback_cluster.sh" stop "$cluster" >/dev/null 2>&1
  for pid in $(workers); do kill -CONT "$pid" 2>/dev/null; kill -9 "$pid" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

if [ "$(id -u)" -ne 0 ] && ! [ -w /run/sshd ]; then
  echo "$(basename "$0"): needs root (sshd on loopback addresses); skipped"
  echo "0 passed, 0 failed"
  exit 0
fi

start_cluster() {  # [HOSTS] [CORES]: (re)starts the cluster, sets config
  config=$(bash "$src/tools/loopback_cluster.sh" start "$cluster" "${1:-2}" "${2:-1}" "$ssh_port" "$base_port") || {
    bad "loopback cluster did not start"; finish; }
}

# Sanitized builds run several times slower: their jobs get smaller inputs.
sanitized=false
grep -Eq '^RENOIR_SANITIZE:STRING=.+' "$build/CMakeCache.txt" 2>/dev/null && sanitized=true
# A command that must fail with `status` and a message matching `pattern`, and no crash.
expect_error() {  # description, stderr regex, status, command...
  local what=$1 pattern=$2 status=$3
  shift 3
  timeout 30 "$@" > "$tmp/f.out" 2> "$tmp/f.err"
  local rc=$?
  if [ "$rc" -eq "$status" ] && grep -Eq -e "$pattern" "$tmp/f.err" && ! grep -q "terminate called" "$tmp/f.err"; then
    ok "$what"
  else
    bad "$what: exit $rc (want $status), stderr: $(head -3 "$tmp/f.err")"
  fi
}
scaled() { if $sanitized; then echo $(($1 / 10)); else echo "$1"; fi; }

unprefix() { sed -E 's/^127\.0\.0\.[0-9]+\|//' "$1"; }  # a remote run's output without its host prefixes
strip() { unprefix "$1" | sort; }
workers() {  # PIDs of processes running an executable uploaded into the cluster's remote_dir
  # One find, not a readlink per process: fast enough to poll under load.
  find /proc -maxdepth 2 -path '/proc/[0-9]*/exe' -lname "$cluster/remote/*" 2>/dev/null |
    sed -E 's|^/proc/([0-9]+)/exe$|\1|'
}
no_leftover() {  # every worker process gone within 5 s
  for _ in $(seq 50); do
    [ -z "$(workers)" ] && return 0
    sleep 0.1
  done
  return 1
}
wait_for_workers() {  # N: until N worker processes run (at most 10 s)
  for _ in $(seq 100); do [ "$(workers | wc -l)" -ge "$1" ] && return 0; sleep 0.1; done
  return 1
}
