#include "sim/dynamometer_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tempoload::sim {
namespace {

using drivers::DriveMode;
using drivers::StatusBit;

std::uint16_t bit(StatusBit b) {
  return static_cast<std::uint16_t>(1u << static_cast<unsigned>(b));
}

bool supported(int mode) {
  switch (static_cast<DriveMode>(mode)) {
    case DriveMode::kIsotonic:
    case DriveMode::kIsokinetic:
    case DriveMode::kPassive:
    case DriveMode::kIsometric:
    case DriveMode::kReactiveEccentric:
      return true;
    default:
      return false;
  }
}

bool servo(int mode) {
  return mode == static_cast<int>(DriveMode::kPassive) ||
         mode == static_cast<int>(DriveMode::kIsometric) ||
         mode == static_cast<int>(DriveMode::kReactiveEccentric);
}

}  // namespace

DynamometerModel::DynamometerModel(const drivers::MachineLimits& limits,
                                   const DynamometerScenario& scenario)
    : limits_(limits),
      scenario_(scenario),
      athlete_(scenario),
      rng_(scenario.seed),
      noise_(0.0, std::max(scenario.torque_sd_nm, 1e-9)) {
  angle_rad_ = std::clamp(0.0, limits_.angle_min_rad, limits_.angle_max_rad);
  update_measurements();
}

double DynamometerModel::gravity_torque_nm(double a) const {
  return -scenario_.footplate_mass_kg * kGravity * scenario_.footplate_radius_m *
         std::cos(a - scenario_.footplate_com_angle_rad);
}

bool DynamometerModel::engaged() const { return supported(cmd_.mode); }

bool DynamometerModel::heartbeat_alive() const {
  return t_s_ - heartbeat_changed_s_ < limits_.watchdog_s;
}

int DynamometerModel::mode_in_effect() const {
  if (faulted() || !engaged()) return 0;
  if (cmd_.rom_max_rad <= cmd_.rom_min_rad) return 0;  // no valid range: the motor stays off
  return cmd_.mode;
}

void DynamometerModel::apply_commands(const DynamometerCommands& cmd) {
  if (cmd.heartbeat != cmd_.heartbeat) heartbeat_changed_s_ = t_s_;
  const bool was_engaged = engaged();
  const bool reset_edge = (cmd.control & 1u) && !(cmd_.control & 1u);
  cmd_ = cmd;
  if (cmd_.side != 1) cmd_.side = 0;
  if (engaged() && !was_engaged) engaged_since_s_ = t_s_;
  if (engaged() && !first_engaged_s_) first_engaged_s_ = t_s_;
  if (reset_edge && faulted() && heartbeat_alive()) {
    estop_ = drive_fault_ = watchdog_ = false;
    engaged_since_s_ = t_s_;
    SimEvent e;
    e.kind = SimEvent::Kind::kFaultsReset;
    e.t_s = t_s_;
    events_.push_back(e);
  }
  update_measurements();
}

void DynamometerModel::trip(SimEvent::Kind kind, const std::string& why) {
  SimEvent e;
  e.kind = kind;
  e.t_s = t_s_;
  e.note = why;
  events_.push_back(e);
  motor_nm_ = 0;
  isotonic_nm_ = 0;
  update_measurements();
}

void DynamometerModel::press_estop(const std::string& why) {
  estop_ = true;
  trip(SimEvent::Kind::kEstop, why);
}

void DynamometerModel::inject_drive_fault(const std::string& why) {
  drive_fault_ = true;
  trip(SimEvent::Kind::kDriveFault, why);
}

void DynamometerModel::fire_scenario_events() {
  while (first_engaged_s_ && next_scenario_event_ < scenario_.events.size()) {
    const ScenarioEvent& ev = scenario_.events[next_scenario_event_];
    if (t_s_ - *first_engaged_s_ < ev.at_s - 1e-9) break;
    ++next_scenario_event_;
    char why[64];
    std::snprintf(why, sizeof why, "scenario, %.1f s after the drive engaged", ev.at_s);
    if (ev.kind == EventKind::kEstop) press_estop(why);
    if (ev.kind == EventKind::kDriveFault) inject_drive_fault(why);
  }
}

// The motor's torque this step for `mode`, given the external torque (athlete + footplate).
// Each mode solves for the speed it wants at the end of the step (deadbeat), within the torque
// limit; the range-of-motion stops are applied by the caller.
double DynamometerModel::motor_torque(int mode, double external_nm, double dt) {
  const double j = scenario_.inertia_kg_m2;
  const double w_free = velocity_radps_ + dt * external_nm / j;
  const double limit = std::clamp(cmd_.torque_limit_nm, 0.0, limits_.max_torque_nm);
  auto to_reach = [&](double w_target) {
    return std::clamp(j * (w_target - w_free) / dt, -limit, limit);
  };
  const double v =
      std::clamp(cmd_.velocity_setpoint_radps, -limits_.max_speed_radps, limits_.max_speed_radps);
  switch (static_cast<DriveMode>(mode)) {
    case DriveMode::kIsotonic: {
      const double target = std::clamp(cmd_.torque_setpoint_nm, 0.0, limits_.max_torque_nm);
      isotonic_nm_ +=
          std::clamp(target - isotonic_nm_, -kTorqueSlewNmps * dt, kTorqueSlewNmps * dt);
      const double w = w_free - dt * isotonic_nm_ / j;  // resisting plantarflexion
      const double cap = std::fabs(v);
      const double brake = std::fabs(w) > cap ? j * (std::copysign(cap, w) - w) / dt : 0.0;
      return -isotonic_nm_ + std::clamp(brake, -limit, limit);
    }
    case DriveMode::kIsokinetic: {  // a brake: the athlete drives, never faster than |v|
      const double cap = std::fabs(v);
      if (w_free > cap) return to_reach(cap);
      if (w_free < -cap) return to_reach(-cap);
      return 0;
    }
    case DriveMode::kPassive:
      reference_rad_ += v * dt;
      return to_reach(v + kPositionGain * (reference_rad_ - angle_rad_));
    case DriveMode::kIsometric: {
      const double w = kPositionGain * (cmd_.angle_setpoint_rad - angle_rad_);
      return to_reach(std::clamp(w, -kIsometricApproachRadps, kIsometricApproachRadps));
    }
    case DriveMode::kReactiveEccentric: {
      // Moves only while the athlete resists the motion with at least the activation torque.
      const double resisting = v < 0 ? sensor_nm_ : -sensor_nm_;
      const bool go = resisting >= cmd_.torque_setpoint_nm;
      if (go) reference_rad_ += v * dt;
      return to_reach((go ? v : 0.0) + kPositionGain * (reference_rad_ - angle_rad_));
    }
    default:
      return 0;
  }
}

void DynamometerModel::step(double dt) {
  t_s_ += dt;
  ++sequence_;
  fire_scenario_events();
  if (engaged() && !watchdog_ &&
      t_s_ - std::max(heartbeat_changed_s_, engaged_since_s_) >= limits_.watchdog_s - 1e-9) {
    watchdog_ = true;
    ++watchdog_trips_;
    trip(SimEvent::Kind::kWatchdogTrip, "");
  }

  const int mode = mode_in_effect();
  if (servo(mode) && (!servo(last_mode_) || mode != last_mode_)) reference_rad_ = angle_rad_;
  if (mode != static_cast<int>(DriveMode::kIsotonic)) isotonic_nm_ = 0;
  last_mode_ = mode;
  const double lo = cmd_.rom_min_rad, hi = cmd_.rom_max_rad;
  if (servo(mode) && angle_rad_ >= lo && angle_rad_ <= hi)
    reference_rad_ = std::clamp(reference_rad_, lo, hi);  // never a reference past the range

  DynoAthleteInputs in;
  in.t_s = t_s_;
  in.angle_rad = angle_rad_;
  in.velocity_radps = velocity_radps_;
  in.mode = mode;
  in.side = cmd_.side;
  in.load_torque_nm = isotonic_nm_;
  in.gravity_torque_nm = gravity_torque_nm(angle_rad_);
  in.rom_min_rad = lo;
  in.rom_max_rad = hi;
  athlete_nm_ = athlete_.update(in, dt, events_);
  const double external = athlete_nm_ + in.gravity_torque_nm;

  const double j = scenario_.inertia_kg_m2;
  double motor = motor_torque(mode, external, dt);
  double w = velocity_radps_ + dt * (external + motor) / j;
  // The athlete's range: while engaged the motor stops the shaft at its ends (moving outwards
  // only; a shaft outside may come back in), within the torque limit.
  if (mode != 0) {
    const double limit = std::clamp(cmd_.torque_limit_nm, 0.0, limits_.max_torque_nm);
    double w_allowed = w;
    if (w > 0 && angle_rad_ + w * dt > hi) w_allowed = std::max(0.0, (hi - angle_rad_) / dt);
    if (w < 0 && angle_rad_ + w * dt < lo) w_allowed = std::min(0.0, (lo - angle_rad_) / dt);
    if (w_allowed != w) {
      motor = std::clamp(motor + j * (w_allowed - w) / dt, -limit - isotonic_nm_, limit);
      w = velocity_radps_ + dt * (external + motor) / j;
    }
  }
  double a = angle_rad_ + w * dt;  // mechanical end stops, always
  if (a <= limits_.angle_min_rad) {
    a = limits_.angle_min_rad;
    w = std::max(w, 0.0);
  } else if (a >= limits_.angle_max_rad) {
    a = limits_.angle_max_rad;
    w = std::min(w, 0.0);
  }
  sensor_nm_ = external - j * (w - velocity_radps_) / dt;
  motor_nm_ = motor;
  angle_rad_ = a;
  velocity_radps_ = w;
  noise_nm_ = scenario_.torque_sd_nm > 0 ? noise_(rng_) : 0.0;  // drawn once per step
  update_measurements();
}

void DynamometerModel::update_measurements() {
  std::uint16_t status = 0;
  if (!faulted()) status |= bit(StatusBit::kReady);
  if (estop_) status |= bit(StatusBit::kEstop);
  if (drive_fault_) status |= bit(StatusBit::kDriveFault);
  if (watchdog_) status |= bit(StatusBit::kWatchdogTripped);
  meas_.status = status;
  meas_.sequence = sequence_;
  meas_.angle_rad = angle_rad_;
  meas_.velocity_radps = velocity_radps_;
  meas_.torque_nm = sensor_nm_ + noise_nm_;
  meas_.device_time_s = t_s_;
}

std::vector<SimEvent> DynamometerModel::take_events() {
  std::vector<SimEvent> out;
  out.swap(events_);
  return out;
}

}  // namespace tempoload::sim
