// Reps to failure from a one-rep maximum, by Epley's formula read backwards (PROTOCOLS.md
// section 5: 1RM = w (1 + r / 30)). Used by the athlete's "epley" failure model.
#pragma once

#include <algorithm>
#include <cmath>

namespace tempoload::sim {

// Reps the fresh athlete completes at `load_n` before failing: 0 above the 1RM, 1 from the load
// at which Epley gives r = 1 up to the 1RM (Epley is not used for a single rep), else
// floor(30 (1RM / w - 1)).
inline int epley_reps_to_failure(double one_rm_n, double load_n) {
  if (load_n > one_rm_n) return 0;
  if (load_n <= 0) return 1000000;
  const double r = 30.0 * (one_rm_n / load_n - 1.0);
  return std::max(1, static_cast<int>(std::floor(r + 1e-9)));
}

// The heaviest motor load the athlete still lifts for the next rep after `reps_done` reps of a
// set: the 1RM for the first, then 1RM / (1 + (reps_done + 1) / 30), so that a load w fails at
// exactly rep epley_reps_to_failure(1RM, w) + 1 [N].
inline double epley_load_capacity_n(double one_rm_n, int reps_done) {
  if (reps_done <= 0) return one_rm_n;
  return one_rm_n / (1.0 + (reps_done + 1) / 30.0);
}

}  // namespace tempoload::sim
