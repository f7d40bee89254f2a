#include "protocols/session_protocol.hpp"

#include <algorithm>

namespace tempoload::protocols {

SessionProtocol::SessionProtocol(const SessionPlan& plan, const RangeOfMotion& rom,
                                 const MachineLimits& machine)
    : plan_(plan), rom_(rom), machine_(machine) {
  if (plan_.sets.empty()) {
    stage_ = SessionStage::kDone;
    reason_ = EndReason::kTargetReached;
    return;
  }
  start_set(0);
}

double SessionProtocol::capped_load_n(int index) const {
  double load_n = std::max(0.0, plan_.sets[index].spec.load_n);
  if (plan_.max_load_n > 0) load_n = std::min(load_n, plan_.max_load_n);
  return std::min(load_n, std::max(0.0, machine_.max_force_n));
}

void SessionProtocol::start_set(int index) {
  index_ = index;
  SetSpec spec = plan_.sets[index].spec;
  spec.load_n = capped_load_n(index);
  set_.emplace(spec, rom_);
  stage_ = SessionStage::kSet;
  rest_started_ = false;
  skip_rest_ = false;
  rest_remaining_s_ = 0;
}

SessionUpdate SessionProtocol::update(const MotionSample& s) {
  SessionUpdate u;
  switch (stage_) {
    case SessionStage::kSet: {
      const SetUpdate su = set_->update(s);
      u.command = su.command;
      u.rep_completed = su.rep_completed;
      if (!su.finished) break;
      u.set_finished = true;
      ++sets_finished_;
      const EndReason r = set_->end_reason();
      const bool goes_on = r == EndReason::kTargetReached || r == EndReason::kIdleTimeout;
      if (!goes_on || stop_requested_ || index_ + 1 >= set_count()) {
        finish(stop_requested_ && goes_on ? EndReason::kStopped : r);
      } else {
        stage_ = SessionStage::kRest;
        rest_started_ = true;
        rest_until_t_s_ = s.t_s + std::max(0.0, plan_.sets[index_].rest_after_s);
        rest_remaining_s_ = rest_until_t_s_ - s.t_s;
        ++index_;  // the set that comes next
      }
      break;
    }
    case SessionStage::kRest:
      rest_remaining_s_ = std::max(0.0, rest_until_t_s_ - s.t_s);
      if (skip_rest_ || rest_remaining_s_ <= 0) {
        start_set(index_);
        const SetUpdate su = set_->update(s);  // the load ramp starts on this sample
        u.command = su.command;
      }
      break;
    case SessionStage::kDone:
      break;
  }
  if (stage_ == SessionStage::kDone) {
    u.command = LoadCommand{};
    u.finished = !finish_reported_;
    finish_reported_ = true;
    return u;
  }
  u.command.force_n = std::min(u.command.force_n, capped_load_n(index_));  // belt and braces
  return u;
}

void SessionProtocol::finish(EndReason reason) {
  stage_ = SessionStage::kDone;
  reason_ = reason;
  rest_remaining_s_ = 0;
}

void SessionProtocol::request_stop() {
  stop_requested_ = true;
  if (stage_ == SessionStage::kSet) set_->request_stop();
  if (stage_ == SessionStage::kRest) finish(EndReason::kStopped);
}

void SessionProtocol::fault() {
  if (stage_ == SessionStage::kDone) return;
  if (stage_ == SessionStage::kSet) set_->fault();
  finish(EndReason::kFault);
}

bool SessionProtocol::request_pause() {
  return stage_ == SessionStage::kSet && set_->request_pause();
}

bool SessionProtocol::request_resume() {
  return stage_ == SessionStage::kSet && set_->request_resume();
}

bool SessionProtocol::report_pain(double score) {
  if (stage_ == SessionStage::kSet) return set_->report_pain(score);
  if (stage_ == SessionStage::kRest && score > plan_.sets[index_].spec.pain_limit) {
    finish(EndReason::kPain);
    return true;
  }
  return false;
}

void SessionProtocol::request_stop_for_pain(double score) {
  stop_requested_ = true;
  if (stage_ == SessionStage::kSet) set_->request_stop_for_pain(score);
  if (stage_ == SessionStage::kRest) finish(EndReason::kPain);
}

void SessionProtocol::skip_rest() { skip_rest_ = stage_ == SessionStage::kRest; }

}  // namespace tempoload::protocols
