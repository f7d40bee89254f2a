#!/usr/bin/env bash
# The demo: a simulated calf-raise machine, the reference gym server and the plugin on
# loopback; one guided heavy-slow-resistance set (6 reps at the athlete's 6RM, 3 s up,
# 3-4 s down); the per-rep table and set summary; then the gym server's list of received
# sessions. Everything it starts is stopped on exit. Usage: sim/run_demo.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/bin
map=drivers/maps/calf_raise_v1.json
scenario=sim/scenarios/default.json
work=.demo
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
  --machine-id calf-demo-1
plugin_port=$port

cat <<INFO
tempoload demo
  simulated calf-raise machine  127.0.0.1:$sim_port (Modbus TCP, scenario $scenario:
                                athlete 75 kg, 6RM 1700 N, right leg 54% / left 46%,
                                rep 3 lowered too fast)
  gym server                    http://127.0.0.1:$gym_port
  plugin                        127.0.0.1:$plugin_port (gRPC), 1 kHz control loop
  logs                          $work/*.log

INFO

"$bin/tempoloadctl" run-set --plugin "127.0.0.1:$plugin_port" --athlete demo-athlete \
  --reps 6 --load 1700 --up 3 --top-pause 0.5 --down 3.5 --down-min 3 --down-max 4 \
  --bottom-pause 1 --range-bottom 0 --range-top 0.09 | tee "$work/set.txt"
session=$(sed -n 's/^session id: //p' "$work/set.txt")

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
