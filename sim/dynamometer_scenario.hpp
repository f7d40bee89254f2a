// A dynamometer scenario: the scripted athlete's legs (strength, asymmetry, fatigue), their
// torque-angle and torque-velocity behaviour, the footplate, timed faults and sensor noise,
// loaded from a JSON file with "machine": "dynamometer" (format: docs/dynamometer.md).
// Angles are written in degrees in the file and kept in radians here.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/scenario.hpp"  // ScenarioError, ScenarioEvent

namespace tempoload::sim {

struct LegStrength {
  double peak_torque_nm = 120;      // isometric at the optimal angle, fresh [N m]
  double fatigue_per_effort = 0.0;  // fraction of the fresh strength lost per effort
};

// One effort (1-based per leg) done below full strength, e.g. to script a weak rep.
struct EffortOverride {
  int side = 0;  // 0 left, 1 right
  int effort = 1;
  double fraction = 1.0;  // of the athlete's strength at that point
  std::string note;
};

struct DynamometerScenario {
  std::string name;
  std::string description;
  double body_mass_kg = 75;
  std::array<LegStrength, 2> legs{};   // left, right
  double optimal_angle_rad = 0;        // torque-angle: strongest here...
  double angle_width_rad = 1.0;        // ...and 0 this far from it (parabola) [rad]
  double max_velocity_radps = 14;      // torque-velocity: concentric torque 0 at this speed
  double hill_curvature = 0.3;         // a/F0 of Hill's hyperbola
  double eccentric_ratio = 1.4;        // eccentric torque plateau / isometric
  double activation_s = 0.05;          // time constant of rising activation [s]
  double relaxation_s = 0.08;          // ...and of relaxing [s]
  double isotonic_concentric_s = 1.5;  // isotonic reps: time up through the range [s]
  double isotonic_eccentric_s = 3.0;   // ...and down [s]
  double footplate_mass_kg = 2.0;      // footplate and relaxed foot
  double footplate_radius_m = 0.12;    // distance of their centre of mass from the axis
  double footplate_com_angle_rad = 0;  // ankle angle at which that centre is level with the axis
  double inertia_kg_m2 = 0.06;         // footplate and foot about the axis
  std::vector<EffortOverride> efforts;
  std::vector<ScenarioEvent> events;  // at_s after the drive was first engaged; sorted
  double torque_sd_nm = 0;            // gaussian noise on the torque sensor [N m]
  std::uint32_t seed = 1;

  // The fraction scripted for `effort` (1-based) of `side` (0 left, 1 right); 1 when none.
  double effort_fraction(int side, int effort) const;
};

// Parses and validates; unknown keys are refused. Throws ScenarioError naming `source`.
DynamometerScenario parse_dynamometer_scenario(const std::string& json_text,
                                               const std::string& source);
DynamometerScenario load_dynamometer_scenario_file(const std::filesystem::path& path);

}  // namespace tempoload::sim
