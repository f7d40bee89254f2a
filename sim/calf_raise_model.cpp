#include "sim/calf_raise_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tempoload::sim {
namespace {

using drivers::DriveMode;
using drivers::StatusBit;

constexpr double kGravity = AthleteModel::kGravity;

std::uint16_t bit(StatusBit b) {
  return static_cast<std::uint16_t>(1u << static_cast<unsigned>(b));
}

}  // namespace

CalfRaiseModel::CalfRaiseModel(const drivers::MachineLimits& limits, const Scenario& scenario)
    : limits_(limits),
      scenario_(scenario),
      mass_kg_(scenario.body_mass_kg + kCarriageMassKg),
      athlete_(scenario, limits.travel_m, mass_kg_),
      rng_(scenario.seed),
      noise_(0.0, std::max(scenario.force_sd_n, 1e-9)) {
  grf_n_ = mass_kg_ * kGravity;  // standing still at the bottom
  update_plates();
  update_measurements();
}

bool CalfRaiseModel::engaged() const {
  return cmd_.mode == static_cast<int>(DriveMode::kIsotonic) ||
         cmd_.mode == static_cast<int>(DriveMode::kEccentricVelocityLimited) ||
         cmd_.mode == static_cast<int>(DriveMode::kPositionHold);
}

void CalfRaiseModel::update_hold_reference(bool hold, double dt_s) {
  if (!hold) {
    holding_ = false;
    v_ref_mps_ = 0;
    return;
  }
  if (!holding_) x_ref_m_ = x_m_;  // bumpless: hold where the platform is, then move
  holding_ = true;
  // Trapezoidal move to the setpoint: cruise at the commanded speed, accelerate and brake at
  // kHoldAccelMps2, so the servo never jerks the athlete.
  const double speed = cmd_.velocity_limit_mps > 0 ? cmd_.velocity_limit_mps : kHoldApproachMps;
  const double goal = std::clamp(cmd_.position_setpoint_m, 0.0, limits_.travel_m);
  const double d = goal - x_ref_m_, a = kHoldAccelMps2;
  const double v_goal =
      std::copysign(std::min(speed, std::sqrt(2 * a * std::abs(d))), d);  // can still brake
  if (std::abs(v_goal) < std::abs(v_ref_mps_) && v_goal * v_ref_mps_ >= 0) {
    v_ref_mps_ = v_goal;  // braking: ride the curve v = sqrt(2 a d) down to the setpoint
  } else {
    v_ref_mps_ += std::clamp(v_goal - v_ref_mps_, -a * dt_s, a * dt_s);
  }
  const double step = v_ref_mps_ * dt_s;
  if (std::abs(d) <= std::abs(step) || (std::abs(d) < 1e-6 && std::abs(v_ref_mps_) < a * dt_s)) {
    x_ref_m_ = goal;  // arrived
    v_ref_mps_ = 0;
  } else {
    x_ref_m_ += step;
  }
}

bool CalfRaiseModel::heartbeat_alive() const {
  return t_s_ - heartbeat_changed_s_ < limits_.watchdog_s;
}

void CalfRaiseModel::apply_commands(const DeviceCommands& cmd) {
  if (cmd.heartbeat != cmd_.heartbeat) heartbeat_changed_s_ = t_s_;
  const bool was_engaged = engaged();
  const bool reset_edge = (cmd.control & 1u) && !(cmd_.control & 1u);
  cmd_ = cmd;
  if (engaged() && !was_engaged) engaged_since_s_ = t_s_;
  if (reset_edge && faulted() && heartbeat_alive()) {
    estop_ = drive_fault_ = watchdog_ = false;
    engaged_since_s_ = t_s_;  // the watchdog period starts again
    SimEvent e;
    e.kind = SimEvent::Kind::kFaultsReset;
    e.t_s = t_s_;
    events_.push_back(e);
  }
  update_measurements();
}

void CalfRaiseModel::trip(SimEvent::Kind kind, const std::string& why) {
  SimEvent e;
  e.kind = kind;
  e.t_s = t_s_;
  e.note = why;
  events_.push_back(e);
  // Unload at once, no slew.
  motor_base_n_ = 0;
  motor_force_n_ = 0;
  update_measurements();
}

void CalfRaiseModel::press_estop(const std::string& why) {
  estop_ = true;
  trip(SimEvent::Kind::kEstop, why);
}

void CalfRaiseModel::inject_drive_fault(const std::string& why) {
  drive_fault_ = true;
  trip(SimEvent::Kind::kDriveFault, why);
}

void CalfRaiseModel::fire_scenario_events() {
  const auto load_on = athlete_.load_on_s();
  while (load_on && next_scenario_event_ < scenario_.events.size()) {
    const ScenarioEvent& ev = scenario_.events[next_scenario_event_];
    if (t_s_ - *load_on < ev.at_s - 1e-9) break;
    ++next_scenario_event_;
    char why[64];
    std::snprintf(why, sizeof why, "scenario, %.1f s after load on", ev.at_s);
    if (ev.kind == EventKind::kEstop) press_estop(why);
    if (ev.kind == EventKind::kDriveFault) inject_drive_fault(why);
  }
}

void CalfRaiseModel::step(double dt_s) {
  t_s_ += dt_s;
  ++sequence_;
  fire_scenario_events();

  // Device watchdog: armed while engaged, measured from the later of the last heartbeat change
  // and the moment the drive was engaged.
  if (engaged() && !watchdog_ &&
      t_s_ - std::max(heartbeat_changed_s_, engaged_since_s_) >= limits_.watchdog_s - 1e-9) {
    watchdog_ = true;
    ++watchdog_trips_;
    trip(SimEvent::Kind::kWatchdogTrip, "");
  }

  // Motor resistance target; a latched fault or an unknown mode means off.
  const bool on = engaged() && !faulted();
  const double target = on ? std::clamp(cmd_.force_setpoint_n, 0.0, limits_.max_force_n) : 0.0;
  const double max_delta = kSlewNps * dt_s;
  if (faulted()) {
    motor_base_n_ = 0;
  } else {
    motor_base_n_ += std::clamp(target - motor_base_n_, -max_delta, max_delta);
  }

  const bool hold = on && cmd_.mode == static_cast<int>(DriveMode::kPositionHold);
  update_hold_reference(hold, dt_s);

  AthleteInputs in;
  in.t_s = t_s_;
  in.position_m = x_m_;
  in.velocity_mps = v_mps_;
  in.resistance_n = motor_base_n_;
  in.load_target_n = target;
  in.position_hold = hold;
  in.drive_engaged = on;
  grf_n_ = athlete_.update(in, dt_s, events_);
  motor_force_n_ = integrate(grf_n_, hold, dt_s);
  update_plates();
  update_measurements();
}

double CalfRaiseModel::integrate(double grf_n, bool hold, double dt_s) {
  const double m = mass_kg_;
  double force = motor_base_n_;
  double v = v_mps_ + dt_s * (grf_n - m * kGravity - force) / m;

  if (hold) {
    // Position servo: force = K e + c (v - v_ref), damping solved implicitly. It pushes down at
    // most the slewed setpoint (a stronger athlete moves the platform) and supports (pushes up)
    // at most max_force_n.
    const double K = kHoldStiffnessNpm, c = 2 * std::sqrt(K * m), k = c * dt_s / m;
    const double e = x_m_ - x_ref_m_, net = grf_n - m * kGravity;
    v = (v_mps_ + dt_s / m * (net - K * e + c * v_ref_mps_)) / (1 + k);
    force = K * e + c * (v - v_ref_mps_);
    const double capped = std::clamp(force, -limits_.max_force_n, motor_base_n_);
    if (capped != force) {
      force = capped;
      v = v_mps_ + dt_s * (net - force) / m;
    }
  }

  // Eccentric velocity-limited mode: when lowering faster than the limit, the drive takes off
  // resistance by a stiff damping on the excess speed (down to supporting at -max_force_n).
  // Solved implicitly so the stiff damping stays stable at a 1 ms step.
  const bool eccentric = cmd_.mode == static_cast<int>(DriveMode::kEccentricVelocityLimited);
  const double limit = std::max(0.0, cmd_.velocity_limit_mps);
  if (eccentric && !faulted() && x_m_ > 0 && v < -limit) {
    const double c = kVelocityLimitDamping, k = c * dt_s / m;
    const double v_limited = (v - k * limit) / (1 + k);
    force = motor_base_n_ - c * (-limit - v_limited);
    if (force < -limits_.max_force_n) {
      force = -limits_.max_force_n;
      v = v_mps_ + dt_s * (grf_n - m * kGravity - force) / m;
    } else {
      v = v_limited;
    }
  }

  double x = x_m_ + v * dt_s;
  if (x <= 0) {
    x = 0;
    v = std::max(v, 0.0);
  } else if (x >= limits_.travel_m) {
    x = limits_.travel_m;
    v = std::min(v, 0.0);
  }
  x_m_ = x;
  v_mps_ = v;
  return force;
}

void CalfRaiseModel::update_plates() {
  const double left = athlete_.left_fraction() * grf_n_, right = grf_n_ - left;
  const bool noisy = scenario_.force_sd_n > 0;
  meas_.force_left_n = left + (noisy ? noise_(rng_) : 0.0);
  meas_.force_right_n = right + (noisy ? noise_(rng_) : 0.0);
}

void CalfRaiseModel::update_measurements() {
  std::uint16_t status = 0;
  if (!faulted()) status |= bit(StatusBit::kReady);
  if (estop_) status |= bit(StatusBit::kEstop);
  if (drive_fault_) status |= bit(StatusBit::kDriveFault);
  if (watchdog_) status |= bit(StatusBit::kWatchdogTripped);
  meas_.status = status;
  meas_.sequence = sequence_;
  meas_.position_m = x_m_;
  meas_.velocity_mps = v_mps_;
  meas_.motor_force_n = motor_force_n_;
  meas_.device_time_s = t_s_;
}

std::vector<SimEvent> CalfRaiseModel::take_events() {
  std::vector<SimEvent> out;
  out.swap(events_);
  return out;
}

}  // namespace tempoload::sim
