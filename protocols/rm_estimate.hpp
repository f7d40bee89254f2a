// Repetition-maximum arithmetic (PROTOCOLS.md section 5). w = load, r = reps done to failure:
//   Epley     1RM = w (1 + r/30)        load for nRM = 1RM / (1 + n/30)
//   Brzycki   1RM = w x 36 / (37 - r)   load for nRM = 1RM x (37 - n) / 36
//   Lombardi  1RM = w x r^0.10          load for nRM = 1RM / n^0.10
// Applied literally (Epley at r = 1 gives 1.033 w). Valid for 1..max_reps reps (default 10:
// the estimates degrade above ~10 reps, and none is validated for calf raises); outside that, or
// with a load <= 0, the result is refused with the reason. Pure functions.
#pragma once

#include <string>

namespace tempoload::protocols {

enum class RmFormula { kEpley, kBrzycki, kLombardi };
const char* to_string(RmFormula f);     // "Epley"
const char* formula_text(RmFormula f);  // "1RM = w (1 + r/30)"

inline constexpr int kRmEstimateMaxReps = 10;

struct RmResult {
  bool valid = false;
  double load_n = 0;  // the 1RM (estimate_1rm) or the nRM load (load_for_rm) [N]
  RmFormula formula = RmFormula::kEpley;
  std::string formula_text;  // e.g. "Epley: 1RM = w (1 + r/30)"
  std::string refusal;       // why not valid, e.g. "reps: 12 is outside [1, 10]"
};

RmResult estimate_1rm(double load_n, int reps, RmFormula f, int max_reps = kRmEstimateMaxReps);
RmResult load_for_rm(double one_rm_n, int n, RmFormula f, int max_reps = kRmEstimateMaxReps);

// %1RM by RM from the NSCA table (PROTOCOLS.md section 5): 3RM 93, 6RM 85, 8RM 80, 10RM 75,
// 12RM 67 (M), 15RM 65 (M); linear between listed RMs, 1RM 100. 0 outside 1..15.
double nsca_percent_1rm(int n);

}  // namespace tempoload::protocols
