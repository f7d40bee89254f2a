#!/usr/bin/env bash
# Telemetry fan-out benchmark: the plugin's loop at 1 kHz with the telemetry hub and a real gRPC
# server, against a fresh simulator, with 0 (baseline), 1, 10 and 100 gRPC subscribers, SECONDS
# each, in one run. Usage: tests/bench/telemetry_bench.sh [BUILD_DIR] [SECONDS] [extra args]
# (SUBSCRIBERS=0,1,10,100 by default; extra args e.g. --batch-size 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
seconds=${2:-20}
shift $(( $# > 2 ? 2 : $# ))
bin=$build/bin
map=drivers/maps/calf_raise_v1.json
work=$(mktemp -d /tmp/tempoload-telemetry-bench.XXXXXX)
sim_pid=""
cleanup() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$bin/tempoload-sim" --map "$map" --scenario sim/scenarios/default.json --port 0 --quiet \
  >"$work/sim.out" 2>"$work/sim.log" &
sim_pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/sim.out")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "simulator did not start:"; cat "$work/sim.log"; exit 1; }

echo "tempoload telemetry benchmark: $seconds s per phase, $(nproc) cores, $(date -u +%FT%TZ)"
"$bin/tempoload-telemetry-bench" --map "$map" --port "$port" --seconds "$seconds" \
  --subscribers "${SUBSCRIBERS:-0,1,10,100}" "$@"
