#include "sim/dynamometer_athlete.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "drivers/signals.hpp"

namespace tempoload::sim {
namespace {

using drivers::DriveMode;

bool maximal(int mode) {
  return mode == static_cast<int>(DriveMode::kIsokinetic) ||
         mode == static_cast<int>(DriveMode::kReactiveEccentric) ||
         mode == static_cast<int>(DriveMode::kIsometric);
}

const char* mode_name(int mode) {
  switch (static_cast<DriveMode>(mode)) {
    case DriveMode::kIsokinetic:
      return "isokinetic";
    case DriveMode::kReactiveEccentric:
      return "eccentric";
    case DriveMode::kIsometric:
      return "isometric";
    case DriveMode::kIsotonic:
      return "isotonic";
    default:
      return "effort";
  }
}

}  // namespace

const char* to_string(DynoAthleteState s) {
  switch (s) {
    case DynoAthleteState::kRelaxed:
      return "relaxed";
    case DynoAthleteState::kMaxEffort:
      return "max effort";
    case DynoAthleteState::kIsotonicUp:
      return "isotonic up";
    case DynoAthleteState::kIsotonicTop:
      return "isotonic top";
    case DynoAthleteState::kIsotonicDown:
      return "isotonic down";
    case DynoAthleteState::kIsotonicBottom:
      return "isotonic bottom";
  }
  return "?";
}

DynamometerAthlete::DynamometerAthlete(const DynamometerScenario& scenario) : scenario_(scenario) {}

double DynamometerAthlete::shape(double angle, double w) const {
  const double x = (angle - scenario_.optimal_angle_rad) / scenario_.angle_width_rad;
  const double f_angle = std::max(0.0, 1 - x * x);
  const double w_max = scenario_.max_velocity_radps;
  double f_velocity;
  if (w >= 0) {
    f_velocity = std::max(0.0, (1 - w / w_max) / (1 + w / (scenario_.hill_curvature * w_max)));
  } else {
    const double e = scenario_.eccentric_ratio;
    f_velocity = e - (e - 1) / (1 + -w / (0.05 * w_max));
  }
  return f_angle * f_velocity;
}

double DynamometerAthlete::capacity_nm(int side, double angle, double w) const {
  const LegStrength& leg = scenario_.legs[side];
  const double fresh = std::max(0.2, 1 - leg.fatigue_per_effort * efforts_[side]);
  return leg.peak_torque_nm * fresh * shape(angle, w);
}

void DynamometerAthlete::end_effort(double t_s, std::vector<SimEvent>& events) {
  in_effort_ = false;
  const int n = ++efforts_[side_];
  SimEvent e;
  e.kind = SimEvent::Kind::kNote;
  e.t_s = t_s;
  e.rep = n;
  char line[160];
  std::snprintf(line, sizeof line, "%s leg effort %d (%s): peak %.1f N m%s",
                side_ ? "right" : "left", n, mode_name(effort_mode_), effort_peak_nm_,
                effort_fraction_ < 1 ? " (scripted below full strength)" : "");
  e.note = line;
  events.push_back(e);
}

double DynamometerAthlete::isotonic_torque(const DynoAthleteInputs& in, double capacity) {
  const double span = in.rom_max_rad - in.rom_min_rad;
  const double since = in.t_s - state_since_s_;
  auto enter = [&](DynoAthleteState s) {
    state_ = s;
    state_since_s_ = in.t_s;
  };
  double target_w = 0;
  switch (state_) {
    case DynoAthleteState::kIsotonicUp:
      target_w = span / scenario_.isotonic_concentric_s;
      if (in.angle_rad >= in.rom_max_rad - kReachRad) enter(DynoAthleteState::kIsotonicTop);
      break;
    case DynoAthleteState::kIsotonicTop:
      if (since >= kIsotonicPauseS) enter(DynoAthleteState::kIsotonicDown);
      break;
    case DynoAthleteState::kIsotonicDown:
      target_w = -span / scenario_.isotonic_eccentric_s;
      if (in.angle_rad <= in.rom_min_rad + kReachRad) enter(DynoAthleteState::kIsotonicBottom);
      break;
    default:  // at the bottom
      if (state_ != DynoAthleteState::kIsotonicBottom) enter(DynoAthleteState::kIsotonicBottom);
      if (since >= kIsotonicPauseS) enter(DynoAthleteState::kIsotonicUp);
      break;
  }
  // Hold the load and the footplate, and correct the speed.
  const double wanted =
      in.load_torque_nm - in.gravity_torque_nm + kIsotonicGain * (target_w - in.velocity_radps);
  return std::clamp(wanted, 0.0, capacity);
}

double DynamometerAthlete::update(const DynoAthleteInputs& in, double dt_s,
                                  std::vector<SimEvent>& events) {
  const bool isotonic = in.mode == static_cast<int>(DriveMode::kIsotonic);
  const bool wants_effort = maximal(in.mode) || isotonic;
  if (in_effort_ && (!wants_effort || in.side != side_)) {
    // Holding at the bottom between isotonic reps is no effort of its own.
    if (state_ == DynoAthleteState::kIsotonicBottom) {
      in_effort_ = false;
    } else {
      end_effort(in.t_s, events);
    }
    state_ = DynoAthleteState::kRelaxed;
  }
  side_ = in.side;
  if (wants_effort && !in_effort_) {
    in_effort_ = true;
    effort_mode_ = in.mode;
    effort_peak_nm_ = 0;
    effort_fraction_ = scenario_.effort_fraction(side_, efforts_[side_] + 1);
    state_since_s_ = in.t_s;
    state_ = isotonic ? DynoAthleteState::kIsotonicBottom : DynoAthleteState::kMaxEffort;
  }
  const double capacity = effort_fraction_ * capacity_nm(side_, in.angle_rad, in.velocity_radps);
  double torque;
  if (isotonic && in_effort_) {
    const DynoAthleteState before = state_;
    torque = isotonic_torque(in, capacity);
    activation_ = capacity > 0 ? torque / capacity : 0;
    if (before == DynoAthleteState::kIsotonicDown && state_ == DynoAthleteState::kIsotonicBottom) {
      effort_peak_nm_ = std::max(effort_peak_nm_, torque);
      end_effort(in.t_s, events);  // each isotonic rep is an effort
      in_effort_ = true;
      effort_peak_nm_ = 0;
      effort_fraction_ = scenario_.effort_fraction(side_, efforts_[side_] + 1);
    }
  } else {
    const double target = in_effort_ ? 1.0 : 0.0;
    const double tau = target > activation_ ? scenario_.activation_s : scenario_.relaxation_s;
    activation_ += (target - activation_) * std::min(1.0, dt_s / tau);
    torque = activation_ * capacity;
    if (!in_effort_) state_ = DynoAthleteState::kRelaxed;
  }
  effort_peak_nm_ = std::max(effort_peak_nm_, torque);
  return torque;
}

}  // namespace tempoload::sim
