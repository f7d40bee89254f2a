#include "protocols/rm_test_session.hpp"

#include <algorithm>

namespace tempoload::protocols {

RmTestSession::RmTestSession(const RmTestSessionSpec& spec, const RangeOfMotion& rom)
    : spec_(spec), rom_(rom), test_(spec.test) {
  if (test_.done()) {
    finish(EndReason::kStopped);  // refused by RmTest (the plugin validates before this)
    return;
  }
  start_attempt();
}

void RmTestSession::start_attempt() {
  load_n_ = std::min(test_.next_load_n(), spec_.test.max_load_n);
  SetSpec s = spec_.attempt;
  s.reps = spec_.test.target_rm + kRmExtraReps;
  s.load_n = load_n_;
  set_.emplace(s, rom_);
  stage_ = RmStage::kAttempt;
  rest_started_ = false;
}

RmTestUpdate RmTestSession::update(const MotionSample& s) {
  RmTestUpdate u;
  switch (stage_) {
    case RmStage::kAttempt: {
      const SetUpdate su = set_->update(s);
      u.command = su.command;
      u.rep_completed = su.rep_completed;
      if (!su.finished) break;
      u.attempt_finished = true;
      ++attempts_finished_;
      last_end_ = set_->end_reason();
      last_load_n_ = load_n_;
      last_reps_ = set_->tracker().reps_counted();
      const bool ran =
          last_end_ == EndReason::kTargetReached || last_end_ == EndReason::kIdleTimeout;
      if (!ran) {  // stopped, pain, a pause too long, a fault: no answer from this attempt
        finish(last_end_);
        break;
      }
      test_.record(last_reps_);
      if (test_.done()) {
        finish(EndReason::kTargetReached);
      } else if (stop_requested_) {
        finish(EndReason::kStopped);
      } else {
        stage_ = RmStage::kRest;
        rest_until_t_s_ = s.t_s + std::max(0.0, spec_.test.rest_s);
        rest_remaining_s_ = rest_until_t_s_ - s.t_s;
      }
      break;
    }
    case RmStage::kRest:
      rest_remaining_s_ = std::max(0.0, rest_until_t_s_ - s.t_s);
      if (rest_remaining_s_ <= 0) {
        start_attempt();
        u.command = set_->update(s).command;  // the ramp starts on this sample
      }
      break;
    case RmStage::kDone:
      break;
  }
  if (stage_ == RmStage::kDone) {
    u.command = LoadCommand{};
    u.finished = !finish_reported_;
    finish_reported_ = true;
    return u;
  }
  u.command.force_n = std::min(u.command.force_n, spec_.test.max_load_n);  // belt and braces
  return u;
}

void RmTestSession::finish(EndReason reason) {
  stage_ = RmStage::kDone;
  reason_ = reason;
  rest_remaining_s_ = 0;
}

void RmTestSession::request_stop() {
  stop_requested_ = true;
  if (stage_ == RmStage::kAttempt) set_->request_stop();
  if (stage_ == RmStage::kRest) finish(EndReason::kStopped);
}

void RmTestSession::fault() {
  if (stage_ == RmStage::kDone) return;
  if (stage_ == RmStage::kAttempt) set_->fault();
  finish(EndReason::kFault);
}

void RmTestSession::request_stop_for_pain(double score) {
  if (stage_ == RmStage::kAttempt) set_->request_stop_for_pain(score);
  if (stage_ == RmStage::kRest) finish(EndReason::kPain);
}

}  // namespace tempoload::protocols
