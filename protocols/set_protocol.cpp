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
  }
  return "unknown";
}

SetProtocol::SetProtocol(const SetSpec& spec, const RangeOfMotion& rom)
    : spec_(spec), tracker_(spec, rom) {}

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
  const double t_s = std::max(s.t_s, last_t_s_);  // the ramps never run backwards
  last_t_s_ = t_s;
  const double load_n = std::max(0.0, spec_.load_n);
  const double ramp_s = spec_.load_ramp_s;

  switch (stage_) {
    case Stage::kLoading:
      // Closed form in time, so each step is exactly load_n * dt / ramp_s.
      force_n_ = ramp_s > 0 ? std::min(load_n, load_n * (t_s - load_start_t_s_) / ramp_s) : load_n;
      if (force_n_ >= load_n) {
        force_n_ = load_n;
        stage_ = Stage::kTracking;
        load_on_t_s_ = t_s;
      }
      break;
    case Stage::kTracking:
      u.rep_completed = tracker_.update(s);
      force_n_ = load_n;
      if (tracker_.reps_counted() >= spec_.reps) {
        begin_unload(EndReason::kTargetReached, t_s);
      } else if (idle(t_s)) {
        begin_unload(EndReason::kIdleTimeout, t_s);
      }
      break;
    case Stage::kUnloading: {
      const double left = ramp_s > 0 ? 1.0 - (t_s - unload_start_t_s_) / ramp_s : 0.0;
      force_n_ = std::clamp(unload_from_n_ * left, 0.0, unload_from_n_);
      if (force_n_ <= 0) {
        force_n_ = 0;
        stage_ = Stage::kDone;
      }
      break;
    }
    case Stage::kDone:
      break;
  }

  if (stage_ == Stage::kDone) {
    u.finished = true;
    finish_reported_ = true;
    return u;
  }
  u.command.engaged = true;
  u.command.force_n = force_n_;
  return u;
}

void SetProtocol::request_stop() {
  if (stage_ == Stage::kLoading || stage_ == Stage::kTracking) {
    begin_unload(EndReason::kStopped, last_t_s_);
  }
}

void SetProtocol::fault() {
  if (stage_ == Stage::kDone) return;
  reason_ = EndReason::kFault;
  stage_ = Stage::kDone;
  force_n_ = 0;
}

void SetProtocol::begin_unload(EndReason reason, double t_s) {
  reason_ = reason;
  stage_ = Stage::kUnloading;
  unload_from_n_ = started_ ? force_n_ : 0.0;  // the ramp starts from the last command
  unload_start_t_s_ = t_s;
}

bool SetProtocol::idle(double t_s) const {
  if (tracker_.in_rep()) {
    const double still_s = tracker_.still_since_t_s();
    return still_s >= 0 && t_s - still_s >= spec_.idle_timeout_s;
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
