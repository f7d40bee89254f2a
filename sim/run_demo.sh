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
machine_id=calf-demo-1
source sim/demo_stack.sh

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

finish_when_received "$session"
