#!/usr/bin/env bash
# Installs the Debian packages tempoload needs to build, test and run its demo, only those missing.
# Uses sudo when not root. Safe to run again: a no-op when everything is present.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libmodbus-dev libsqlite3-dev sqlite3 libboost-dev libssl-dev openssl
  nlohmann-json3-dev libcli11-dev libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-pymodbus python3-serial python3-serial-asyncio python3-grpcio
  golang-go golang-github-hashicorp-go-plugin-dev golang-google-grpc-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "tempoload: installing missing Debian packages: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
