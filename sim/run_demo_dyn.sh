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
machine_id=dyno-demo-1
source sim/demo_stack.sh

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

finish_when_received "$session"
