#include "protocols/dyno_test_protocol.hpp"

#include <algorithm>
#include <cmath>

#include "protocols/rom_cushion.hpp"

namespace tempoload::protocols {
namespace {

constexpr double kOnsetFraction = 0.05;     // movement onset: 5% of the set speed
constexpr double kLoadRangeFraction = 0.9;  // isokinetic load range: >= 90% of the set speed
constexpr double kMotionGraceS = 5.0;       // positioning or return may take distance/speed + this

bool is_isokinetic(DynoMode m) {
  return m == DynoMode::kIsokineticConcentric || m == DynoMode::kIsokineticEccentric;
}

}  // namespace

DynoTestProtocol::DynoTestProtocol(const DynoTestSpec& spec) : spec_(spec) {
  spec_.series_count = std::clamp(spec_.series_count, 0, kMaxSeries);
  spec_.set_angle_count = std::clamp(spec_.set_angle_count, 0, kMaxSetAngles);
  if (!spec_.fast_motor_speed_confirmed) {
    const double cap = kUnconfirmedMaxMotorSpeedRadps;
    spec_.return_speed_radps = std::min(spec_.return_speed_radps, cap);
    for (auto& s : spec_.series)
      if (s.mode == DynoMode::kIsokineticEccentric) s.speed_radps = std::min(s.speed_radps, cap);
  }
}

DynoCommand DynoTestProtocol::base_command() const {
  DynoCommand c;
  c.side = series().side;
  c.torque_limit_nm = spec_.torque_limit_nm;
  c.rom_min_rad = rom().min_rad;
  c.rom_max_rad = rom().max_rad;
  return c;
}

void DynoTestProtocol::hold(double velocity_radps) {
  command_ = base_command();
  command_.mode = DynoDriveMode::kPassive;
  command_.velocity_radps = velocity_radps;
}

double DynoTestProtocol::gravity_point_angle(int k) const {
  const int n = std::clamp(series().gravity_points, 1, kMaxGravityPoints);
  if (n == 1) return rom().min_rad + 0.5 * rom().span_rad();
  return rom().min_rad + rom().span_rad() * k / (n - 1);
}

double DynoTestProtocol::start_angle() const {
  switch (series().mode) {
    case DynoMode::kIsokineticEccentric:
      return rom().max_rad;
    case DynoMode::kIsometric:
      return series().hold_angle_rad;
    case DynoMode::kGravityCorrection:
      return gravity_point_angle(0);
    case DynoMode::kIsokineticConcentric:
    case DynoMode::kIsotonic:
      break;
  }
  return rom().min_rad;
}

double DynoTestProtocol::motion_timeout_s(double distance_rad, double speed_radps) const {
  return std::fabs(distance_rad) / std::max(speed_radps, 1e-3) + kMotionGraceS;
}

void DynoTestProtocol::begin_series(int index, double t) {
  if (index >= spec_.series_count) {
    begin_stop(EndReason::kTargetReached, t);
    return;
  }
  index_ = index;
  attempts_ = 0;
  gravity_point_ = 0;
  gravity_building_.clear();
  target_rad_ = start_angle();
  stage_ = Stage::kPositioning;
  stage_start_t_ = t;
  stage_until_t_ = t + spec_.ready_s;
  hold();
}

void DynoTestProtocol::arrive(double t) {
  stage_start_t_ = t;
  if (series().mode == DynoMode::kGravityCorrection) {
    stage_ = Stage::kGravitySettle;
    stage_until_t_ = t + spec_.gravity_settle_s;
  } else {
    stage_ = Stage::kReady;
    stage_until_t_ = t + (attempts_ == 0 ? spec_.ready_s : series().rest_between_reps_s);
  }
  hold();
}

void DynoTestProtocol::start_effort(double t) {
  stage_ = Stage::kEffort;
  stage_start_t_ = t;
  onset_ = false;
  iso_ = IsotonicStage::kBottom;
  iso_reached_top_ = false;
  identity_ = DynoRep{};
  identity_.series = index_ + 1;
  identity_.index = attempts_ + 1;
  identity_.side = series().side;
  identity_.mode = series().mode;
  identity_.set_speed_radps = is_isokinetic(series().mode) ? series().speed_radps : 0;
  identity_.gravity_corrected = gravity(series().side).measured();
  rep_.begin(identity_, spec_.set_angles_rad.data(), spec_.set_angle_count);
}

void DynoTestProtocol::finish_rep(bool complete, DynoUpdate& u) {
  last_rep_ = rep_.finish(complete);
  ++attempts_;
  u.rep_completed = true;
}

// After an isokinetic rep (at the far end) or an isometric hold.
void DynoTestProtocol::after_rep(double t, DynoUpdate& u) {
  stage_start_t_ = t;
  if (series().mode == DynoMode::kIsometric) {
    if (attempts_ >= series().reps) {
      end_series(t, u);
      return;
    }
    stage_ = Stage::kReady;
    stage_until_t_ = t + series().rest_between_reps_s;
    hold();
    return;
  }
  stage_ = Stage::kReturn;
  target_rad_ = start_angle();
  hold();
}

void DynoTestProtocol::end_series(double t, DynoUpdate& u) {
  u.series_finished = true;
  finished_series_ = index_ + 1;
  if (index_ + 1 >= spec_.series_count) {
    begin_stop(EndReason::kTargetReached, t);
    return;
  }
  stage_ = Stage::kRest;
  stage_start_t_ = t;
  stage_until_t_ = t + series().rest_after_s;
  const bool leg_changes = spec_.series[index_ + 1].side != series().side;
  if (leg_changes) {
    command_ = DynoCommand{};  // motor off while the athlete moves to the other leg
  } else {
    hold();
  }
}

void DynoTestProtocol::begin_stop(EndReason reason, double t) {
  reason_ = reason;
  stage_ = Stage::kStopping;
  stage_start_t_ = t;
  stage_until_t_ = t + spec_.stop_hold_s;
  if (spec_.series_count > 0) {
    hold();
  } else {
    command_ = DynoCommand{};
  }
}

void DynoTestProtocol::request_stop() {
  if (stage_ == Stage::kDone || stage_ == Stage::kStopping) return;
  if (!started_) {  // nothing moved yet: end at the first update, motor off
    reason_ = EndReason::kStopped;
    stage_ = Stage::kDone;
    return;
  }
  begin_stop(EndReason::kStopped, last_t_);
}

void DynoTestProtocol::fault() {
  if (stage_ == Stage::kDone) return;
  reason_ = EndReason::kFault;
  stage_ = Stage::kDone;
  command_ = DynoCommand{};
}

DynoUpdate DynoTestProtocol::update(const DynoSample& s) {
  DynoUpdate u;
  if (stage_ == Stage::kDone) {  // motor off for good; report the end once
    u.finished = !finish_reported_;
    finish_reported_ = true;
    return u;
  }
  if (!started_) {
    started_ = true;
    last_t_ = s.t_s;
    begin_series(0, s.t_s);
  }
  const double t = std::max(s.t_s, last_t_);  // stages never run backwards
  last_t_ = t;
  corrected_nm_ = gravity(series().side).corrected(s.angle_rad, s.torque_nm);

  // Beyond the athlete's range (except while positioning, which may start outside it).
  const bool checked = stage_ != Stage::kPositioning && stage_ != Stage::kRest &&
                       stage_ != Stage::kStopping && spec_.series_count > 0;
  if (checked && (s.angle_rad < rom().min_rad - spec_.rom_overrun_rad ||
                  s.angle_rad > rom().max_rad + spec_.rom_overrun_rad))
    u.rom_exceeded = true;

  const double tol = spec_.end_tolerance_rad;
  switch (stage_) {
    case Stage::kPositioning:
    case Stage::kReturn: {
      const double v =
          speed_towards(s.angle_rad, target_rad_, spec_.return_speed_radps, rom(), tol);
      if (v == 0) {
        if (stage_ == Stage::kReturn && attempts_ >= series().reps) {
          end_series(t, u);
        } else {
          arrive(t);
        }
      } else if (t - stage_start_t_ >
                 motion_timeout_s(rom().span_rad(), spec_.return_speed_radps)) {
        begin_stop(EndReason::kIdleTimeout, t);  // the motor cannot reach the position
      } else {
        hold(v);
      }
      break;
    }
    case Stage::kReady:
      hold();
      if (t >= stage_until_t_) start_effort(t);
      if (stage_ == Stage::kEffort) effort(s, t, u);
      break;
    case Stage::kEffort:
      effort(s, t, u);
      break;
    case Stage::kRest:
      if (t >= stage_until_t_) begin_series(index_ + 1, t);
      break;
    case Stage::kGravitySettle:
      hold();
      if (t >= stage_until_t_) {
        stage_ = Stage::kGravityMeasure;
        stage_until_t_ = t + spec_.gravity_measure_s;
        gravity_torque_sum_ = gravity_angle_sum_ = 0;
        gravity_samples_ = 0;
      }
      break;
    case Stage::kGravityMeasure:
      hold();
      gravity_torque_sum_ += s.torque_nm;  // raw: the footplate alone, athlete relaxed
      gravity_angle_sum_ += s.angle_rad;
      ++gravity_samples_;
      if (t >= stage_until_t_) {
        gravity_building_.add(gravity_angle_sum_ / gravity_samples_,
                              gravity_torque_sum_ / gravity_samples_);
        const int points = std::clamp(series().gravity_points, 1, kMaxGravityPoints);
        if (++gravity_point_ < points) {
          target_rad_ = gravity_point_angle(gravity_point_);
          stage_ = Stage::kPositioning;
          stage_start_t_ = t;
        } else {
          gravity_[static_cast<int>(series().side)] = gravity_building_;
          u.gravity_measured = true;
          end_series(t, u);
        }
      }
      break;
    case Stage::kStopping:
      hold();
      if (t >= stage_until_t_) stage_ = Stage::kDone;
      break;
    case Stage::kDone:
      break;
  }

  if (stage_ == Stage::kDone) {
    command_ = DynoCommand{};
    u.finished = true;
    finish_reported_ = true;
    return u;
  }
  u.command = command_;
  return u;
}

void DynoTestProtocol::effort(const DynoSample& s, double t, DynoUpdate& u) {
  const DynoSeriesSpec& ser = series();
  const double tol = spec_.end_tolerance_rad;
  const double elapsed = t - stage_start_t_;
  const double speed = ser.speed_radps;
  switch (ser.mode) {
    case DynoMode::kIsokineticConcentric:
    case DynoMode::kIsokineticEccentric: {
      const int dir = ser.mode == DynoMode::kIsokineticConcentric ? 1 : -1;
      command_ = base_command();
      command_.mode = dir > 0 ? DynoDriveMode::kIsokinetic : DynoDriveMode::kReactiveEccentric;
      command_.velocity_radps = dir * capped_speed(s.angle_rad, dir, speed, rom());
      if (dir < 0) command_.torque_nm = spec_.eccentric_activation_nm;
      if (!onset_ && dir * s.velocity_radps >= kOnsetFraction * speed) onset_ = true;
      if (onset_)
        rep_.add(t, s.angle_rad, corrected_nm_,
                 dir * s.velocity_radps >= kLoadRangeFraction * speed);
      const bool at_end =
          dir > 0 ? s.angle_rad >= rom().max_rad - tol : s.angle_rad <= rom().min_rad + tol;
      if (at_end || elapsed > rom().span_rad() / std::max(speed, 1e-3) + spec_.effort_grace_s) {
        finish_rep(at_end && onset_, u);
        after_rep(t, u);
      }
      break;
    }
    case DynoMode::kIsometric:
      command_ = base_command();
      command_.mode = DynoDriveMode::kIsometric;
      command_.angle_rad = ser.hold_angle_rad;
      rep_.add(t, s.angle_rad, corrected_nm_);
      if (elapsed >= ser.hold_s) {
        finish_rep(true, u);
        after_rep(t, u);
      }
      break;
    case DynoMode::kIsotonic:
      isotonic(s, t, u);
      break;
    case DynoMode::kGravityCorrection:
      break;  // never an effort
  }
}

DynoPhase DynoTestProtocol::phase() const {
  switch (stage_) {
    case Stage::kPositioning:
      return DynoPhase::kPositioning;
    case Stage::kReady:
      return DynoPhase::kReady;
    case Stage::kEffort:
      return DynoPhase::kEffort;
    case Stage::kReturn:
      return DynoPhase::kReturn;
    case Stage::kRest:
      return DynoPhase::kRest;
    case Stage::kGravitySettle:
    case Stage::kGravityMeasure:
      return DynoPhase::kGravity;
    case Stage::kStopping:
      return DynoPhase::kStopping;
    case Stage::kDone:
      return DynoPhase::kDone;
  }
  return DynoPhase::kDone;
}

}  // namespace tempoload::protocols
