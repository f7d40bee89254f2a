#include "protocols/rm_estimate.hpp"

#include <cmath>

namespace tempoload::protocols {

const char* to_string(RmFormula f) {
  switch (f) {
    case RmFormula::kEpley:
      return "Epley";
    case RmFormula::kBrzycki:
      return "Brzycki";
    case RmFormula::kLombardi:
      return "Lombardi";
  }
  return "unknown";
}

const char* formula_text(RmFormula f) {
  switch (f) {
    case RmFormula::kEpley:
      return "1RM = w (1 + r/30)";
    case RmFormula::kBrzycki:
      return "1RM = w x 36 / (37 - r)";
    case RmFormula::kLombardi:
      return "1RM = w x r^0.10";
  }
  return "";
}

namespace {

// 1RM / load for r reps.
double ratio(RmFormula f, int r) {
  switch (f) {
    case RmFormula::kEpley:
      return 1.0 + r / 30.0;
    case RmFormula::kBrzycki:
      return 36.0 / (37.0 - r);
    case RmFormula::kLombardi:
      return std::pow(static_cast<double>(r), 0.10);
  }
  return 1.0;
}

RmResult checked(double load_n, int reps, RmFormula f, int max_reps, const char* load_name) {
  RmResult res;
  res.formula = f;
  res.formula_text = std::string(to_string(f)) + ": " + formula_text(f);
  // Brzycki is undefined from 37 reps: cap whatever the caller asks.
  const int hi = f == RmFormula::kBrzycki && max_reps > 36 ? 36 : max_reps;
  if (reps < 1 || reps > hi) {
    res.refusal = "reps: " + std::to_string(reps) + " is outside [1, " + std::to_string(hi) +
                  "] where " + to_string(f) + " is used";
  } else if (!(load_n > 0) || !std::isfinite(load_n)) {
    res.refusal = std::string(load_name) + ": must be positive";
  } else {
    res.valid = true;
  }
  return res;
}

}  // namespace

RmResult estimate_1rm(double load_n, int reps, RmFormula f, int max_reps) {
  RmResult res = checked(load_n, reps, f, max_reps, "load_n");
  if (res.valid) res.load_n = load_n * ratio(f, reps);
  return res;
}

RmResult load_for_rm(double one_rm_n, int n, RmFormula f, int max_reps) {
  RmResult res = checked(one_rm_n, n, f, max_reps, "one_rm_n");
  if (res.valid) res.load_n = one_rm_n / ratio(f, n);
  return res;
}

double nsca_percent_1rm(int n) {
  struct Point {
    int rm;
    double pct;
  };
  static constexpr Point kTable[] = {{1, 100}, {3, 93},  {6, 85}, {8, 80},
                                     {10, 75}, {12, 67}, {15, 65}};
  for (std::size_t i = 0; i + 1 < std::size(kTable); ++i) {
    const Point a = kTable[i], b = kTable[i + 1];
    if (n >= a.rm && n <= b.rm) return a.pct + (b.pct - a.pct) * (n - a.rm) / (b.rm - a.rm);
  }
  return 0;
}

}  // namespace tempoload::protocols
