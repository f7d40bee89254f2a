// The dynamometer protocols offered by name, built as series lists. Pure functions.
//
// Standard plantarflexion test: per leg (left first unless told), an optional gravity
// correction, then `reps` isokinetic concentric reps at each speed, slowest first (5 at 60 and 5
// at 180 deg/s by default, PROTOCOLS.md section 8), with a passive return between reps.
//
// Eccentric training (HSR-style on the dynamometer): per leg, `sets` series of `reps` isokinetic
// eccentric reps lowering through the athlete's range in `lowering_s` (3-5 s), the motor
// bringing the foot back passively. The lowering is timed from the start position (tol short of
// the plantarflexion end) to tol short of the dorsiflexion end, through the cushion c there:
// over a range S at speed V it takes (S - tol - c) / V + 2 (c - sqrt(c tol)) / V, so
//     V = (S - tol + c - 2 sqrt(c tol)) / lowering_s.
#pragma once

#include <array>
#include <vector>

#include "protocols/dyno_spec.hpp"

namespace tempoload::protocols {

struct CommonParams {
  std::array<RangeOfMotionLimits, 2> rom{};  // by Side
  std::vector<double> set_angles_rad;        // at most kMaxSetAngles
  bool gravity_correction = true;
  bool right_first = false;
  bool left = true;  // legs included
  bool right = true;
  double rest_between_reps_s = 0.5;
  double rest_between_series_s = 60;
  double return_speed_radps = deg_to_rad(60);
  double torque_limit_nm = 250;
  bool fast_motor_speed_confirmed = false;
};

struct StandardTestParams {
  CommonParams common;
  std::vector<double> speeds_radps{deg_to_rad(60), deg_to_rad(180)};
  int reps = 5;
};

struct EccentricTrainingParams {
  CommonParams common;
  double lowering_s = 4.0;
  int reps = 15;
  int sets = 3;
};

DynoTestSpec standard_plantarflexion_test(const StandardTestParams& p);
DynoTestSpec eccentric_training(const EccentricTrainingParams& p);
// The eccentric speed that lowers through `rom` in `lowering_s`, cushion and the end tolerance
// `tol_rad` included (see above).
double eccentric_speed_for(const RangeOfMotionLimits& rom, double lowering_s, double tol_rad);

// Common fields of a spec (ranges, set angles, speeds, limits) from `p`; no series.
DynoTestSpec base_spec(const CommonParams& p);

}  // namespace tempoload::protocols
