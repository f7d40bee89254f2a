// A simulator scenario: the scripted athlete, their tempo and per-rep deviations, timed fault
// events and sensor noise, loaded from a JSON file (format: sim/scenarios/default.json).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/set_script.hpp"

namespace tempoload::sim {

// A scenario file that is malformed or out of range; what() names the file and the field,
// e.g. "default.json: athlete.left_share: must be in (0, 1), got 1.5".
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Tempo {
  double concentric_s = 3.0;    // bottom -> top [s]
  double top_pause_s = 0.5;     // hold at the top [s]
  double eccentric_s = 3.5;     // top -> bottom [s]
  double bottom_pause_s = 1.0;  // hold at the bottom before the next rep [s]
};

// Deviations of one rep (1-based within a set) from the scenario's tempo; unset = as scripted.
struct RepOverride {
  int rep = 1;
  std::optional<double> concentric_s;
  std::optional<double> top_pause_s;
  std::optional<double> eccentric_s;
  std::optional<double> bottom_pause_s;  // the pause after this rep
  std::optional<double> range_fraction;
  // A stall while lowering: the heel stops once stall_at_fraction of the descent is done, for
  // stall_s, first rising back by reverse_fraction of the rep's range (a reversal).
  std::optional<double> stall_at_fraction;
  std::optional<double> stall_s;
  std::optional<double> reverse_fraction;
  std::string note;  // why, for the log
};

// Tempo drift of a tiring athlete: from rep from_rep on, each rep changes by these amounts per
// rep past from_rep - 1 (rep from_rep gets 1 x, the next 2 x...). Per-rep overrides still win.
struct TempoFatigue {
  int from_rep = 0;  // 0: none
  double concentric_s_per_rep = 0;
  double eccentric_s_per_rep = 0;      // negative: lowering gets faster
  double range_fraction_per_rep = 0;  // negative: range gets shorter
};

// Per-leg strength, for single-leg sets and the isometric and endurance actions.
struct LegProfile {
  std::optional<double> one_rm_load_n;  // single-leg 1RM, motor load [N]
  std::optional<double> mvic_n;         // peak plate force of a maximal isometric push [N]
  std::optional<int> endurance_reps;    // heel raises to failure at the endurance cadence
};

// How the strength left for the next rep is computed (docs/simulator.md, "Strength").
enum class FailureModel {
  kLinear,  // capacity (1RM + M g)(1 - fatigue_per_rep x reps done)
  kEpley,   // reps to failure at load w follow Epley's inverse: r = floor(30 (1RM / w - 1))
};

// What the athlete means to do in one rep, after overrides.
struct RepPlan {
  Tempo tempo;
  double range_fraction = 0.9;  // top of the movement as a fraction of the machine's travel
  double stall_at_fraction = 0;  // of the descent; stall_s 0 = no stall
  double stall_s = 0;
  double reverse_fraction = 0;
  std::string note;
};

enum class EventKind {
  kEstop,       // the e-stop is pressed (latched until a reset)
  kDriveFault,  // the drive reports a fault (latched until a reset)
};

// A fault injected at_s seconds after the load came on for a set. Each event fires once per
// simulator run, in the first set that lasts long enough.
struct ScenarioEvent {
  double at_s = 0;
  EventKind kind = EventKind::kEstop;
};

struct Scenario {
  std::string name;
  std::string description;
  double body_mass_kg = 75;       // the carriage's 20 kg are added by the machine model
  double one_rm_load_n = 2000;    // heaviest motor load the fresh athlete lifts once [N]
  double left_share = 0.5;        // fraction of the ground-reaction force on the left plate
  double fatigue_per_rep = 0.0;  // strength lost per completed rep, fraction of the fresh value
  FailureModel failure_model = FailureModel::kLinear;
  std::array<LegProfile, 2> legs{};  // left, right
  Tempo tempo;
  double range_fraction = 0.9;  // top of the movement as a fraction of the machine's travel
  double start_delay_s = 1.0;   // load settled this long before the first rep [s]
  int max_reps = 12;            // the athlete stops after this many reps in a set
  std::vector<RepOverride> reps;
  TempoFatigue tempo_fatigue;
  std::vector<SetScript> sets;  // what the athlete does in which set; unscripted sets: reps
  std::vector<ScenarioEvent> events;  // sorted by at_s
  double force_sd_n = 0;              // gaussian noise on each plate [N]
  std::uint32_t seed = 1;             // noise seed

  // The plan of rep `rep` (1-based) with tempo_fatigue and its overrides applied.
  RepPlan plan_for(int rep) const;
  // The script of set `set` (1-based): its entry in `sets`, else tempo reps on both legs.
  SetScript script_for(int set) const;
  // The 1RM (motor load) that applies to a set on `leg`: one_rm_load_n for both legs, else the
  // leg's own, by default its left_share of one_rm_load_n [N].
  double one_rm_for(Leg leg) const;
};

// Parses and validates; unknown keys are refused. Throws ScenarioError naming `source`.
Scenario parse_scenario(const std::string& json_text, const std::string& source);
Scenario load_scenario_file(const std::filesystem::path& path);

const char* to_string(EventKind kind);

}  // namespace tempoload::sim
