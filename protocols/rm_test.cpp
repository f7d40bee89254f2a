#include "protocols/rm_test.hpp"

#include <algorithm>
#include <charconv>

namespace tempoload::protocols {
namespace {

std::string newtons(double v) {
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 0);
  return std::string(buf, res.ptr) + " N";
}

}  // namespace

std::string RmTestResult::how() const {
  const std::string at = std::to_string(last_reps) + " reps at " + newtons(last_load_n);
  const std::string n = std::to_string(target_rm);
  switch (end) {
    case RmTestEnd::kNone:
      return "";
    case RmTestEnd::kRefused:
      return "refused: needs a positive estimate, limit, target_rm and max_attempts";
    case RmTestEnd::kTargetReached:
      return at + ": target " + n + "RM";
    case RmTestEnd::kBelowTarget:
      return at + ": heaviest load that reached " + n + " reps";
    case RmTestEnd::kLimitTooLow:
      return at + ": the limit " + newtons(max_load_n) + " is below the target load";
    case RmTestEnd::kAttemptsUsedUp:
      return at + ": attempts used up; heaviest load that reached " + n + " reps";
    case RmTestEnd::kAttemptsEstimate:
      return at + ": attempts used up; Epley estimate from the last attempt";
  }
  return "";
}

RmTest::RmTest(const RmTestSpec& spec) : spec_(spec) {
  next_load_n_ = std::min(spec_.start_fraction * spec_.estimated_load_n, spec_.max_load_n);
  if (!(next_load_n_ > 0) || spec_.target_rm < 1 || spec_.max_attempts < 1)
    finish(false, 0, RmTestEnd::kRefused, 0, 0);
}

void RmTest::finish(bool found, double load_n, RmTestEnd end, int reps, double at_n) {
  done_ = true;
  result_.found = found;
  result_.load_n = load_n;
  result_.attempts = attempts_;
  result_.end = end;
  result_.target_rm = spec_.target_rm;
  result_.last_reps = reps;
  result_.last_load_n = at_n;
  result_.max_load_n = spec_.max_load_n;
}

void RmTest::record(int reps_done) {
  if (done_) return;
  ++attempts_;
  const double load = next_load_n_;
  const int n = spec_.target_rm;
  if (reps_done >= n) best_reached_n_ = std::max(best_reached_n_, load);
  if (reps_done == n) return finish(true, load, RmTestEnd::kTargetReached, reps_done, load);
  if (reps_done < n && best_reached_n_ > 0)
    return finish(true, best_reached_n_, RmTestEnd::kBelowTarget, reps_done, load);
  if (reps_done > n && load >= spec_.max_load_n)
    return finish(false, load, RmTestEnd::kLimitTooLow, reps_done, load);
  const double estimate = load * (1 + reps_done / 30.0) / (1 + n / 30.0);  // Epley
  if (attempts_ >= spec_.max_attempts) {
    if (best_reached_n_ > 0)
      return finish(false, best_reached_n_, RmTestEnd::kAttemptsUsedUp, reps_done, load);
    return finish(false, std::min(estimate, spec_.max_load_n), RmTestEnd::kAttemptsEstimate,
                  reps_done, load);
  }
  double next;
  if (reps_done > n) {  // too light: up, by a safe step
    next = std::clamp(estimate, load * (1 + spec_.min_step_fraction),
                      load * (1 + spec_.max_step_fraction));
    next = std::min({next, load + spec_.max_step_n, spec_.max_load_n});
  } else {  // too heavy and nothing lighter reached n yet: down
    next = std::clamp(estimate, load * (1 - spec_.max_step_fraction),
                      load * (1 - spec_.min_step_fraction));
  }
  next_load_n_ = next;
}

}  // namespace tempoload::protocols
