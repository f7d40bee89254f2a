# Shared by sim/run_demo.sh and sim/run_demo_dyn.sh (sourced, not run): starts the simulator,
# the reference gym server and the plugin on loopback, stops them on exit, and waits for a
# session to reach the gym server. Needs $bin, $map, $scenario, $work and $machine_id.
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
  --machine-id "$machine_id"
plugin_port=$port

# Waits (20 s at most) for session $1 at the gym server, lists what it holds, and exits.
finish_when_received() {
  local session=$1
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
}
