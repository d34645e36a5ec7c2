#!/usr/bin/env bash
# Installs the Debian 12 packages renoir needs to build, test and benchmark (idempotent),
# plus any package named on the command line (e.g. `setup.sh clang` for the fuzz targets).
set -euo pipefail
packages=("$@" cmake ninja-build g++ pkg-config python3
  libfabric-dev libfabric-bin libhwloc-dev hwloc libssh2-1-dev libtomlplusplus-dev
  libboost1.81-dev libgtest-dev libgmock-dev libbenchmark-dev openssh-server openssh-client
  iptables time openmpi-bin)  # iptables: the fault tests drop a host's packets; time: peak RSS in
# bench/; openmpi-bin: the test of jobs started by mpirun (it only launches, libfabric carries data)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
