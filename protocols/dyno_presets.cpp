#include "protocols/dyno_presets.hpp"

#include <algorithm>
#include <cmath>

namespace tempoload::protocols {
namespace {

std::vector<Side> legs(const CommonParams& p) {
  std::vector<Side> out;
  if (p.left) out.push_back(Side::kLeft);
  if (p.right) out.push_back(Side::kRight);
  if (p.right_first) std::reverse(out.begin(), out.end());
  return out;
}

void add(DynoTestSpec& spec, const DynoSeriesSpec& s) {
  if (spec.series_count < kMaxSeries) spec.series[spec.series_count++] = s;
}

void add_gravity(DynoTestSpec& spec, const CommonParams& p, Side side) {
  if (!p.gravity_correction) return;
  DynoSeriesSpec g;
  g.side = side;
  g.mode = DynoMode::kGravityCorrection;
  g.rest_after_s = 0;
  add(spec, g);
}

}  // namespace

DynoTestSpec base_spec(const CommonParams& p) {
  DynoTestSpec spec;
  spec.rom = p.rom;
  spec.set_angle_count =
      static_cast<int>(std::min<std::size_t>(p.set_angles_rad.size(), kMaxSetAngles));
  for (int k = 0; k < spec.set_angle_count; ++k) spec.set_angles_rad[k] = p.set_angles_rad[k];
  spec.return_speed_radps = p.return_speed_radps;
  spec.torque_limit_nm = p.torque_limit_nm;
  spec.fast_motor_speed_confirmed = p.fast_motor_speed_confirmed;
  return spec;
}

DynoTestSpec standard_plantarflexion_test(const StandardTestParams& p) {
  DynoTestSpec spec = base_spec(p.common);
  std::vector<double> speeds = p.speeds_radps;
  std::sort(speeds.begin(), speeds.end());
  for (Side side : legs(p.common)) {
    add_gravity(spec, p.common, side);
    for (double v : speeds) {
      DynoSeriesSpec s;
      s.side = side;
      s.mode = DynoMode::kIsokineticConcentric;
      s.reps = p.reps;
      s.speed_radps = v;
      s.rest_between_reps_s = p.common.rest_between_reps_s;
      s.rest_after_s = p.common.rest_between_series_s;
      add(spec, s);
    }
  }
  return spec;
}

double eccentric_speed_for(const RangeOfMotionLimits& rom, double lowering_s, double tol_rad) {
  const double c = std::min(rom.cushion_rad, rom.span_rad());
  const double tol = std::clamp(tol_rad, 0.0, c);
  const double distance = rom.span_rad() - tol + c - 2 * std::sqrt(c * tol);
  return lowering_s > 0 ? distance / lowering_s : 0;
}

DynoTestSpec eccentric_training(const EccentricTrainingParams& p) {
  DynoTestSpec spec = base_spec(p.common);
  for (Side side : legs(p.common)) {
    add_gravity(spec, p.common, side);
    for (int set = 0; set < p.sets; ++set) {
      DynoSeriesSpec s;
      s.side = side;
      s.mode = DynoMode::kIsokineticEccentric;
      s.reps = p.reps;
      s.speed_radps = eccentric_speed_for(spec.rom[static_cast<int>(side)], p.lowering_s,
                                          spec.end_tolerance_rad);
      s.rest_between_reps_s = p.common.rest_between_reps_s;
      s.rest_after_s = p.common.rest_between_series_s;
      add(spec, s);
    }
  }
  return spec;
}

}  // namespace tempoload::protocols
