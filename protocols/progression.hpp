// Progression between sessions: the pain-monitoring model (Silbernagel 2007) and the ACSM load
// increments, as one explainable decision. Pure function. Rules, first that applies wins:
//   1 pain during > pain_limit (5/10)                      -> reduce by reduce_fraction
//   2 morning pain after > morning pain before + tolerance -> reduce (not settled next morning)
//   3 morning pain this week > same day last week + tol.   -> reduce (week-on-week rise)
//   4 require_pain_free (Alfredson) and pain during > 0    -> repeat (load added only pain-free)
//   5 reps above target < min_reps_above                   -> repeat
//   6 otherwise                                            -> progress by
//     clamp(step_per_rep x reps above target, min_increase, max_increase), capped at
//     min_increase while pain during is in the "acceptable" zone (> safe_pain, 2/10)
// Scores are 0-10; a negative morning/last-week score means "not reported" and skips its rule.
#pragma once

#include <string>

namespace tempoload::protocols {

struct ProgressionRules {
  double pain_limit = 5.0;         // during exercise (H)
  double safe_pain = 2.0;          // 0-2 safe, 2-5 acceptable (M)
  double morning_tolerance = 0.0;  // a rise larger than this is "not settled" [points]
  double weekly_tolerance = 0.0;   // a rise larger than this is "rising week on week" [points]
  bool require_pain_free = false;  // Alfredson: add load only when the exercise is pain-free
  int min_reps_above = 1;          // ACSM: progress when 1-2 reps above target are possible
  double step_per_rep = 0.025;     // load increase per rep above target [fraction]
  double min_increase = 0.02;      // ACSM 2-10% (H)
  double max_increase = 0.10;
  double reduce_fraction = 0.10;  // documented default, no source gives a number (U)
};

struct ProgressionInput {
  double load_n = 0;                   // the load used [N]
  int target_reps = 0;                 // prescribed reps
  int reps_done = 0;                   // reps achieved in the last set (to failure when tested)
  double pain_during = 0;              // highest during the session, 0-10
  double morning_pain_before = -1;     // the morning of the session; < 0 unknown
  double morning_pain_after = -1;      // the next morning; < 0 unknown
  double morning_pain_last_week = -1;  // the same morning a week earlier; < 0 unknown
};

enum class Decision { kProgress, kRepeat, kReduce };
const char* to_string(Decision d);

struct ProgressionDecision {
  Decision decision = Decision::kRepeat;
  int rule = 0;                     // number of the rule that fired (see above)
  std::string reason;               // e.g. "pain during exercise 7/10 is above the limit 5/10"
  double load_change_fraction = 0;  // +0.05 = 5% more
  double next_load_n = 0;
  ProgressionInput input;  // what the decision was made from
  ProgressionRules rules;
};

ProgressionDecision decide_progression(const ProgressionInput& in,
                                       const ProgressionRules& rules = {});

}  // namespace tempoload::protocols
