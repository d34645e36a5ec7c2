#!/usr/bin/env bash
# A test cluster on loopback: sshd instances on 127.0.0.2, 127.0.0.3, ... with their own host
# keys, an ed25519 user key, known_hosts, and a renoir config.toml pointing at them.
#
#   loopback_cluster.sh start DIR [HOSTS=2] [CORES=1] [SSH_PORT=2222] [BASE_PORT=9500]
#   loopback_cluster.sh stop DIR
#
# `start` prints the path of DIR/config.toml. Every sshd is stopped by its PID with `stop`.
# Only addresses in 127.0.0.0/8 are used; the machine's own /etc/ssh and ~/.ssh are untouched.
set -euo pipefail
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR [HOSTS] [CORES] [SSH_PORT] [BASE_PORT]" >&2; exit 2; }

stop() {
  for pidfile in "$dir"/sshd-*.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

case "$cmd" in
  stop) stop; exit 0 ;;
  start) ;;
  *) echo "$0: unknown command '$cmd' (start or stop)" >&2; exit 2 ;;
esac

hosts=${3:-2}
cores=${4:-1}
ssh_port=${5:-2222}
base_port=${6:-9500}
sshd=/usr/sbin/sshd
[ -x "$sshd" ] || { echo "$0: $sshd not found (apt-get install openssh-server)" >&2; exit 1; }
mkdir -p "$dir" /run/sshd
dir=$(cd "$dir" && pwd)
stop
[ -f "$dir/user_key" ] || ssh-keygen -q -t ed25519 -N '' -C renoir-user -f "$dir/user_key"
cp "$dir/user_key.pub" "$dir/authorized_keys"
: > "$dir/known_hosts"
{
  echo "# renoir loopback cluster ($hosts hosts x $cores cores), made by tools/loopback_cluster.sh"
  echo "known_hosts = \"$dir/known_hosts\""
  echo "remote_dir = \"$dir/remote\""
} > "$dir/config.toml"

for i in $(seq 0 $((hosts - 1))); do
  addr="127.0.0.$((i + 2))"
  key="$dir/host_key_$i"
  [ -f "$key" ] || ssh-keygen -q -t ed25519 -N '' -C "renoir-host-$i" -f "$key"
  cat > "$dir/sshd_config_$i" <<CFG
ListenAddress $addr
Port $ssh_port
HostKey $key
PidFile $dir/sshd-$i.pid
AuthorizedKeysFile $dir/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
Subsystem sftp internal-sftp
MaxStartups 100
CFG
  "$sshd" -f "$dir/sshd_config_$i" -E "$dir/sshd-$i.log"
  echo "[$addr]:$ssh_port $(cut -d' ' -f1,2 "$key.pub")" >> "$dir/known_hosts"
  cat >> "$dir/config.toml" <<CFG

[[host]]
address = "$addr"
base_port = $base_port
num_cores = $cores
ssh = { ssh_port = $ssh_port, username = "$(id -un)", key_file = "$dir/user_key" }
CFG
done

# Wait until every sshd accepts connections.
for i in $(seq 0 $((hosts - 1))); do
  addr="127.0.0.$((i + 2))"
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/$addr/$ssh_port") 2>/dev/null && break
    sleep 0.05
  done
done
echo "$dir/config.toml"
