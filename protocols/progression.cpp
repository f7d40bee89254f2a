#include "protocols/progression.hpp"

#include <algorithm>
#include <charconv>

namespace tempoload::protocols {
namespace {

std::string score(double v) {  // "7/10", "2.5/10"
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr) + "/10";
}

std::string percent(double fraction) {
  char buf[32];
  const auto res =
      std::to_chars(buf, buf + sizeof buf, fraction * 100, std::chars_format::fixed, 1);
  return std::string(buf, res.ptr) + "%";
}

}  // namespace

const char* to_string(Decision d) {
  switch (d) {
    case Decision::kProgress:
      return "progress";
    case Decision::kRepeat:
      return "repeat";
    case Decision::kReduce:
      return "reduce";
  }
  return "unknown";
}

ProgressionDecision decide_progression(const ProgressionInput& in, const ProgressionRules& r) {
  ProgressionDecision d;
  d.input = in;
  d.rules = r;
  auto set = [&](Decision dec, int rule, double change, std::string reason) {
    d.decision = dec;
    d.rule = rule;
    d.load_change_fraction = change;
    d.next_load_n = in.load_n * (1 + change);
    d.reason = std::move(reason);
    return d;
  };
  const std::string reduce_by = ": reduce the load by " + percent(r.reduce_fraction);
  if (in.pain_during > r.pain_limit) {
    return set(Decision::kReduce, 1, -r.reduce_fraction,
               "pain during exercise " + score(in.pain_during) + " is above the limit " +
                   score(r.pain_limit) + reduce_by);
  }
  if (in.morning_pain_before >= 0 && in.morning_pain_after >= 0 &&
      in.morning_pain_after > in.morning_pain_before + r.morning_tolerance) {
    return set(Decision::kReduce, 2, -r.reduce_fraction,
               "pain had not settled by the next morning (" + score(in.morning_pain_after) +
                   ", was " + score(in.morning_pain_before) + ")" + reduce_by);
  }
  if (in.morning_pain_after >= 0 && in.morning_pain_last_week >= 0 &&
      in.morning_pain_after > in.morning_pain_last_week + r.weekly_tolerance) {
    return set(Decision::kReduce, 3, -r.reduce_fraction,
               "morning pain rose week on week (" + score(in.morning_pain_after) + ", a week ago " +
                   score(in.morning_pain_last_week) + ")" + reduce_by);
  }
  if (r.require_pain_free && in.pain_during > 0) {
    return set(Decision::kRepeat, 4, 0,
               "pain during exercise " + score(in.pain_during) +
                   ": load is added only when the exercise is pain-free; repeat the load");
  }
  const int above = in.reps_done - in.target_reps;
  if (above < r.min_reps_above) {
    return set(Decision::kRepeat, 5, 0,
               std::to_string(in.reps_done) + " reps for a target of " +
                   std::to_string(in.target_reps) + " (" + std::to_string(above) +
                   " above, progress needs " + std::to_string(r.min_reps_above) +
                   "): repeat the load");
  }
  double inc = std::clamp(r.step_per_rep * above, r.min_increase, r.max_increase);
  std::string why = std::to_string(above) + " reps above the target of " +
                    std::to_string(in.target_reps) + ", pain settled";
  if (in.pain_during > r.safe_pain) {
    inc = r.min_increase;
    why += ", pain during " + score(in.pain_during) + " in the acceptable zone: smallest step";
  }
  return set(Decision::kProgress, 6, inc, why + ": add " + percent(inc));
}

}  // namespace tempoload::protocols
