// Helpers for the simulator tests: the repo's map and scenarios, and a synthetic-time driver that
// plays the plugin (a fresh heartbeat and the same command every 1 ms step).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "drivers/register_map.hpp"
#include "sim/calf_raise_model.hpp"
#include "sim/scenario.hpp"

namespace tempoload::sim::testing {

inline drivers::RegisterMap repo_map() {
  return drivers::RegisterMap::load_file(std::string(TEMPOLOAD_MAPS_DIR) + "/calf_raise_v1.json");
}

inline Scenario repo_scenario(const std::string& name) {
  return load_scenario_file(std::string(TEMPOLOAD_SCENARIOS_DIR) + "/" + name + ".json");
}

// One recorded physics step.
struct TraceRow {
  double t_s;
  double x_m;
  double v_mps;
  double motor_n;
  double left_n;
  double right_n;
  AthletePhase phase;
  std::uint16_t status;
};

// Plays the plugin against a model with synthetic time; records every step.
class PluginDriver {
 public:
  explicit PluginDriver(CalfRaiseModel& model) : model_(model) {}

  DeviceCommands command;       // what is written each step (heartbeat set by the driver)
  bool heartbeat_alive = true;  // false: the heartbeat stops changing
  std::vector<TraceRow> trace;
  std::vector<SimEvent> events;

  // Runs for duration_s in 1 ms steps; stops early when `until` returns true.
  void run(double duration_s, const std::function<bool()>& until = {}) {
    const int steps = static_cast<int>(duration_s / CalfRaiseModel::kStepS + 0.5);
    for (int i = 0; i < steps; ++i) {
      if (heartbeat_alive) ++command.heartbeat;
      model_.apply_commands(command);
      model_.step(CalfRaiseModel::kStepS);
      const DeviceMeasurements& m = model_.measurements();
      trace.push_back({model_.time_s(), m.position_m, m.velocity_mps, m.motor_force_n,
                       m.force_left_n, m.force_right_n, model_.athlete().phase(), m.status});
      for (SimEvent& e : model_.take_events()) events.push_back(std::move(e));
      if (until && until()) break;
    }
  }

  void load(int mode, double force_n, double velocity_limit_mps = 0) {
    command.mode = mode;
    command.force_setpoint_n = force_n;
    command.velocity_limit_mps = velocity_limit_mps;
  }

 private:
  CalfRaiseModel& model_;
};

// Contiguous runs of one athlete phase in a trace: [first row, last row] indices.
struct PhaseRun {
  std::size_t first;
  std::size_t last;
};

inline std::vector<PhaseRun> runs_of(const std::vector<TraceRow>& trace, AthletePhase phase) {
  std::vector<PhaseRun> runs;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    if (trace[i].phase != phase) continue;
    if (!runs.empty() && runs.back().last + 1 == i) {
      runs.back().last = i;
    } else {
      runs.push_back({i, i});
    }
  }
  return runs;
}

}  // namespace tempoload::sim::testing
