#!/usr/bin/env bash
# The dynamometer demo: the same plugin binary as `make demo`, on a simulated isokinetic ankle
# dynamometer (chosen by its register map), with the reference gym server, on loopback. Runs a
# standard plantarflexion test (gravity correction, then 5 isokinetic concentric reps at 60 and
# at 180 deg/s, left leg then right), prints each rep and the results table, then the gym
# server's list of received sessions. Everything it starts is stopped on exit.
# Usage: sim/run_demo_dyn.sh [BUILD_DIR] [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/bin
reps=${2:-5}
map=drivers/maps/dynamometer_v1.json
scenario=sim/scenarios/dynamometer.json
work=.demo-dyn
rm -rf "$work"; mkdir -p "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# Starts a server in the background and sets $port from its "listening on" line.
start() {
  local name=$1; shift
  "$@" >"$work/$name.out" 2>"$work/$name.log" &
  pids+=($!)
  for _ in $(seq 150); do
    port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/$name.out")
    [ -n "$port" ] && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "$name did not start; its log:"; cat "$work/$name.log"; exit 1
}

start sim "$bin/tempoload-sim" --map "$map" --scenario "$scenario" --port 0
sim_port=$port
start gym "$bin/tempoload-gym" --db "$work/gym.db" --port 0
gym_port=$port
start plugin "$bin/tempoload-plugin" --daemon --map "$map" --modbus "127.0.0.1:$sim_port" \
  --listen 127.0.0.1:0 --db "$work/plugin.db" --gym-url "http://127.0.0.1:$gym_port" \
  --machine-id dyno-demo-1
plugin_port=$port

cat <<INFO
tempoload dynamometer demo
  simulated ankle dynamometer  127.0.0.1:$sim_port (Modbus TCP, scenario $scenario:
                               athlete 75 kg, plantarflexors left 110 N m, right 135 N m)
  gym server                   http://127.0.0.1:$gym_port
  plugin                       127.0.0.1:$plugin_port (gRPC), 1 kHz control loop
  logs                         $work/*.log

INFO

"$bin/tempoloadctl" dyn-test --plugin "127.0.0.1:$plugin_port" --athlete demo-athlete \
  --body-mass 75 --protocol standard --speeds 60,180 --reps "$reps" --legs left,right \
  --left-range -15:35 --right-range -15:35 --angles 0,20 --rest-series 2 --rest-reps 0.5 \
  | tee "$work/test.txt"
session=$(sed -n 's/^session id: //p' "$work/test.txt")

echo
echo "waiting for the report to reach the gym server..."
for _ in $(seq 100); do
  if "$bin/tempoloadctl" gym-sessions --gym "http://127.0.0.1:$gym_port" --json 2>/dev/null \
      | grep -q "$session"; then
    "$bin/tempoloadctl" gym-sessions --gym "http://127.0.0.1:$gym_port"
    echo
    echo "demo finished: session $session stored on the machine ($work/plugin.db) and received"
    echo "by the gym server ($work/gym.db)."
    exit 0
  fi
  sleep 0.2
done
echo "the gym server did not receive session $session within 20 s; plugin log:"
tail -20 "$work/plugin.log"
exit 1
