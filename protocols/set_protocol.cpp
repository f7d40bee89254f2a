#include "protocols/set_protocol.hpp"

#include <algorithm>

namespace tempoload::protocols {

const char* to_string(EndReason r) {
  switch (r) {
    case EndReason::kNone:
      return "none";
    case EndReason::kTargetReached:
      return "target_reached";
    case EndReason::kStopped:
      return "stopped";
    case EndReason::kIdleTimeout:
      return "idle_timeout";
    case EndReason::kFault:
      return "fault";
    case EndReason::kPausedTooLong:
      return "paused_too_long";
    case EndReason::kPain:
      return "pain";
  }
  return "unknown";
}

SetProtocol::SetProtocol(const SetSpec& spec, const RangeOfMotion& rom)
    : spec_(spec), tracker_(spec, rom), span_m_(std::max(0.0, rom.span())), top_m_(rom.top_m) {}

SetUpdate SetProtocol::update(const MotionSample& s) {
  SetUpdate u;
  if (stage_ == Stage::kDone) {  // motor off for good; report the end once
    u.finished = !finish_reported_;
    finish_reported_ = true;
    return u;
  }
  if (!started_) {
    started_ = true;
    load_start_t_s_ = last_t_s_ = s.t_s;
  }
  const double dt_s = std::max(0.0, s.t_s - last_t_s_);
  const double t_s = std::max(s.t_s, last_t_s_);  // the ramps never run backwards
  last_t_s_ = t_s;
  const double load_n = std::max(0.0, spec_.load_n);
  const double ramp_s = spec_.load_ramp_s;

  switch (stage_) {
    case Stage::kLoading: {
      // Closed form in time, so each step is exactly load_n * dt / ramp_s.
      const double target_n = tracking_target_n();
      const double rise_n = ramp_s > 0 ? load_n * (t_s - load_start_t_s_) / ramp_s : load_n;
      force_n_ = std::min(target_n, load_from_n_ + rise_n);
      if (force_n_ >= target_n) {
        force_n_ = target_n;
        stage_ = Stage::kTracking;
        load_on_t_s_ = t_s;
      }
      break;
    }
    case Stage::kTracking: {
      u.rep_completed = tracker_.update(s);
      // Slew-limited towards the phase's force (constant unless eccentric_only).
      const double step_n = ramp_s > 0 ? load_n * dt_s / ramp_s : load_n;
      force_n_ = std::clamp(tracking_target_n(), force_n_ - step_n, force_n_ + step_n);
      if (tracker_.reps_counted() >= spec_.reps) {
        begin_unload(EndReason::kTargetReached, t_s);
      } else if (idle(t_s)) {
        begin_unload(EndReason::kIdleTimeout, t_s);
      }
      break;
    }
    case Stage::kPausing:
      force_n_ = ramp_down(t_s);
      if (force_n_ <= 0) {
        force_n_ = 0;
        stage_ = Stage::kPaused;
      }
      break;
    case Stage::kPaused:
      break;
    case Stage::kUnloading:
      force_n_ = ramp_down(t_s);
      if (force_n_ <= 0) {
        force_n_ = 0;
        stage_ = Stage::kDone;
      }
      break;
    case Stage::kDone:
      break;
  }
  if (stage_ == Stage::kPaused && t_s - pause_start_t_s_ > spec_.max_set_pause_s) {
    paused_total_s_ += t_s - pause_start_t_s_;
    unload_now(EndReason::kPausedTooLong);  // already unloaded: no step
  }

  if (stage_ == Stage::kDone) {
    u.finished = true;
    finish_reported_ = true;
    return u;
  }
  u.command.engaged = stage_ != Stage::kPaused;
  u.command.force_n = force_n_;
  if (spec_.eccentric_only && stage_ == Stage::kTracking) {
    // The machine raises the platform after the bottom pause (before the first rep: after the
    // same pause from full load) until the athlete is at the top.
    const Phase p = tracker_.phase();
    const double waited_s = p == Phase::kReady ? t_s - load_on_t_s_ : tracker_.phase_elapsed_s(t_s);
    const bool at_bottom = p == Phase::kReady || p == Phase::kBottomPause;
    if ((at_bottom && waited_s >= spec_.tempo.bottom_pause_s) || p == Phase::kConcentric) {
      u.command.hold_position = true;
      u.command.position_m = top_m_;
      u.command.raise_speed_mps =
          spec_.tempo.concentric_s > 0 ? span_m_ / spec_.tempo.concentric_s : span_m_;
    }
  }
  if (u.command.engaged && spec_.eccentric_velocity_limit && spec_.tempo.eccentric_min_s > 0) {
    u.command.velocity_limit_mps = kVelocityLimitMargin * span_m_ / spec_.tempo.eccentric_min_s;
  }
  return u;
}

void SetProtocol::request_stop() {
  if (stage_ == Stage::kPausing || stage_ == Stage::kPaused) {
    paused_total_s_ += last_t_s_ - pause_start_t_s_;
  }
  if (stage_ == Stage::kPaused) {
    unload_now(EndReason::kStopped);  // already unloaded
  } else if (stage_ == Stage::kLoading || stage_ == Stage::kTracking || stage_ == Stage::kPausing) {
    begin_unload(EndReason::kStopped, last_t_s_);
  }
}

void SetProtocol::fault() { unload_now(EndReason::kFault); }

bool SetProtocol::request_pause() {
  if (stage_ != Stage::kLoading && stage_ != Stage::kTracking) return false;
  stage_ = Stage::kPausing;
  unload_from_n_ = started_ ? force_n_ : 0.0;
  unload_start_t_s_ = pause_start_t_s_ = last_t_s_;
  tracker_.interrupt();
  return true;
}

bool SetProtocol::request_resume() {
  if (stage_ != Stage::kPausing && stage_ != Stage::kPaused) return false;
  paused_total_s_ += last_t_s_ - pause_start_t_s_;
  stage_ = Stage::kLoading;
  load_from_n_ = force_n_;  // ramps on from where the pause ramp got to
  load_start_t_s_ = last_t_s_;
  return true;
}

bool SetProtocol::report_pain(double score) {
  max_pain_ = std::max(max_pain_, score);
  if (stage_ == Stage::kDone || !(score > spec_.pain_limit)) return false;
  unload_now(EndReason::kPain);
  return true;
}

void SetProtocol::request_stop_for_pain(double score) {
  if (report_pain(score)) return;
  request_stop();
  if (stage_ == Stage::kUnloading || stage_ == Stage::kDone) reason_ = EndReason::kPain;
}

void SetProtocol::unload_now(EndReason reason) {
  if (stage_ == Stage::kDone) return;
  reason_ = reason;
  stage_ = Stage::kDone;
  force_n_ = 0;
}

void SetProtocol::begin_unload(EndReason reason, double t_s) {
  reason_ = reason;
  stage_ = Stage::kUnloading;
  unload_from_n_ = started_ ? force_n_ : 0.0;  // the ramp starts from the last command
  unload_start_t_s_ = t_s;
}

double SetProtocol::ramp_down(double t_s) const {
  // From the last command to 0 over load_ramp_s, whatever the force was.
  const double ramp_s = spec_.load_ramp_s;
  const double left = ramp_s > 0 ? 1.0 - (t_s - unload_start_t_s_) / ramp_s : 0.0;
  return std::clamp(unload_from_n_ * left, 0.0, unload_from_n_);
}

double SetProtocol::tracking_target_n() const {
  const double load_n = std::max(0.0, spec_.load_n);
  return load_n;  // eccentric_only too: the machine, not the athlete, lifts it on the way up
}

bool SetProtocol::idle(double t_s) const {
  if (tracker_.in_rep()) {
    const double still_s = tracker_.still_since_t_s();
    return still_s >= 0 && t_s - std::max(still_s, load_on_t_s_) >= spec_.idle_timeout_s;
  }
  double since_s = load_on_t_s_;
  if (tracker_.reps_attempted() > 0) since_s = std::max(since_s, tracker_.last_rep().end_t_s);
  return t_s - since_s >= spec_.idle_timeout_s;
}

Phase SetProtocol::phase() const {
  switch (stage_) {
    case Stage::kLoading:
      return Phase::kLoading;
    case Stage::kTracking:
      return tracker_.phase();
    case Stage::kPausing:
    case Stage::kPaused:
      return Phase::kPaused;
    case Stage::kUnloading:
      return Phase::kUnloading;
    case Stage::kDone:
      return Phase::kDone;
  }
  return Phase::kDone;
}

EndReason SetProtocol::end_reason() const { return reason_; }
const TempoTracker& SetProtocol::tracker() const { return tracker_; }
const SetSpec& SetProtocol::spec() const { return spec_; }

}  // namespace tempoload::protocols
