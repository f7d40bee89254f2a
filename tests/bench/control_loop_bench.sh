#!/usr/bin/env bash
# Control-loop benchmark: the plugin's loop, a bare libmodbus loop and the Python peer loop
# (../shared/peers/pymodbus_loop.py), each for SECONDS against a fresh simulator, in one run.
# Usage: tests/bench/control_loop_bench.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
seconds=${2:-30}
bin=$build/bin
map=drivers/maps/calf_raise_v1.json
peer=../shared/peers/pymodbus_loop.py
work=$(mktemp -d /tmp/tempoload-bench.XXXXXX)
sim_pid=""
cleanup() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

start_sim() {
  [ -n "$sim_pid" ] && { kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null || true; }
  "$bin/tempoload-sim" --map "$map" --scenario sim/scenarios/default.json --port 0 --quiet \
    >"$work/sim.out" 2>"$work/sim.log" &
  sim_pid=$!
  for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/sim.out")
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  echo "simulator did not start:"; cat "$work/sim.log"; exit 1
}

echo "tempoload control-loop benchmark: $seconds s each, $(nproc) cores, $(date -u +%FT%TZ)"
start_sim; "$bin/tempoload-loop-bench" --map "$map" --port "$port" --mode loop --seconds "$seconds"
start_sim; "$bin/tempoload-loop-bench" --map "$map" --port "$port" --mode bare --seconds "$seconds"
if [ -f "$peer" ]; then
  start_sim
  /usr/bin/python3 "$peer" --port "$port" --read-addr 0 --read-count 16 --write-addr 100 \
    --write-count 8 --seconds "$seconds"
else
  echo "python peer $peer not found: skipped"
fi
