#include "protocols/heel_rise_session.hpp"

#include <algorithm>

namespace tempoload::protocols {

HeelRiseSession::HeelRiseSession(const HeelRiseSessionSpec& spec, const RangeOfMotion& rom)
    : spec_(spec), rom_(rom) {
  if (spec_.test.leg == Legs::kBoth) spec_.test.leg = Legs::kLeft;
  start_leg(0, 0);
  leg_started_ = false;  // the clock starts with the first sample
}

Legs HeelRiseSession::leg_of(int index) const {
  if (index == 0) return spec_.test.leg;
  return spec_.test.leg == Legs::kLeft ? Legs::kRight : Legs::kLeft;
}

void HeelRiseSession::start_leg(int index, double t_s) {
  leg_index_ = index;
  HeelRiseSpec h = spec_.test;
  h.leg = leg_of(index);
  test_.emplace(h, rom_);
  stage_ = HeelRiseStage::kLeg;
  leg_started_ = true;
  leg_start_t_s_ = t_s;
}

void HeelRiseSession::end_leg(HeelRiseUpdate& u, double t_s) {
  u.leg_finished = true;
  last_result_ = test_->result();
  last_ending_ = test_->ending();
  last_leg_ = leg();
  if (stop_requested_) return finish(EndReason::kStopped);
  if (leg_index_ + 1 >= leg_count()) return finish(EndReason::kTargetReached);
  stage_ = HeelRiseStage::kRest;
  rest_until_t_s_ = t_s + std::max(0.0, spec_.rest_s);
  rest_remaining_s_ = rest_until_t_s_ - t_s;
}

HeelRiseUpdate HeelRiseSession::update(const MotionSample& s) {
  HeelRiseUpdate u;
  switch (stage_) {
    case HeelRiseStage::kLeg: {
      if (!leg_started_) {
        leg_started_ = true;
        leg_start_t_s_ = s.t_s;
      }
      if (!unloading_) {
        u.rep_counted = test_->update(s);
        // No first rep within the idle timeout: the leg ends with 0 reps.
        const bool idle = test_->result().reps == 0 && test_->next_beat_t_s() < 0 &&
                          s.t_s - leg_start_t_s_ > spec_.idle_timeout_s;
        if (stop_requested_ || test_->finished() || idle) {
          unloading_ = true;
          unload_start_t_s_ = s.t_s;
        }
      }
      const double ramp_s = spec_.load_ramp_s;
      double fraction = ramp_s > 0 ? std::min(1.0, (s.t_s - leg_start_t_s_) / ramp_s) : 1.0;
      if (unloading_) {
        // Off as it came on: a ramp, never a step (at body weight there is nothing to ramp).
        const double off = ramp_s > 0 ? (s.t_s - unload_start_t_s_) / ramp_s : 1.0;
        fraction = std::min(fraction, std::max(0.0, 1.0 - off));
        if (spec_.load_n <= 0 || fraction <= 0) {
          unloading_ = false;
          end_leg(u, s.t_s);
          break;
        }
      }
      u.command.engaged = true;
      u.command.force_n = spec_.load_n * fraction;
      break;
    }
    case HeelRiseStage::kRest:
      rest_remaining_s_ = std::max(0.0, rest_until_t_s_ - s.t_s);
      if (rest_remaining_s_ <= 0) {
        start_leg(leg_index_ + 1, s.t_s);
        u.command.engaged = true;
      }
      break;
    case HeelRiseStage::kDone:
      break;
  }
  if (stage_ == HeelRiseStage::kDone) {
    u.command = LoadCommand{};
    u.finished = !finish_reported_;
    finish_reported_ = true;
  }
  return u;
}

void HeelRiseSession::finish(EndReason reason) {
  stage_ = HeelRiseStage::kDone;
  reason_ = reason;
  rest_remaining_s_ = 0;
}

void HeelRiseSession::request_stop() {
  stop_requested_ = true;
  if (stage_ == HeelRiseStage::kRest) return finish(EndReason::kStopped);
  // During a leg: it ends with what it has on the next update (end_leg reports it).
}

void HeelRiseSession::fault() {
  if (stage_ != HeelRiseStage::kDone) finish(EndReason::kFault);  // motor off at once
}

}  // namespace tempoload::protocols
