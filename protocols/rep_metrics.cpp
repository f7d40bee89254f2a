#include "protocols/rep_metrics.hpp"

#include <algorithm>

namespace tempoload::protocols {

double symmetry_index_pct(double left, double right) {
  const double mean = 0.5 * (left + right);
  return mean == 0.0 ? 0.0 : (right - left) / mean * 100.0;
}

double limb_symmetry_index_pct(double involved, double uninvolved) {
  return uninvolved == 0.0 ? 0.0 : involved / uninvolved * 100.0;
}

void ForceAccumulator::reset() { *this = ForceAccumulator{}; }

void ForceAccumulator::add(const MotionSample& s) {
  if (samples_ == 0) {
    peak_left_n_ = s.force_left_n;
    peak_right_n_ = s.force_right_n;
    min_position_m_ = max_position_m_ = s.position_m;
  } else {
    const double dt_s = std::max(0.0, s.t_s - last_t_s_);  // the previous force held for dt
    impulse_left_ns_ += last_left_n_ * dt_s;
    impulse_right_ns_ += last_right_n_ * dt_s;
    elapsed_s_ += dt_s;
    const double dx_m = s.position_m - last_position_m_;
    if (dx_m > 0) {
      work_conc_left_j_ += last_left_n_ * dx_m;
      work_conc_right_j_ += last_right_n_ * dx_m;
    } else {
      work_ecc_left_j_ -= last_left_n_ * dx_m;
      work_ecc_right_j_ -= last_right_n_ * dx_m;
    }
    peak_left_n_ = std::max(peak_left_n_, s.force_left_n);
    peak_right_n_ = std::max(peak_right_n_, s.force_right_n);
    min_position_m_ = std::min(min_position_m_, s.position_m);
    max_position_m_ = std::max(max_position_m_, s.position_m);
  }
  ++samples_;
  last_t_s_ = s.t_s;
  last_left_n_ = s.force_left_n;
  last_right_n_ = s.force_right_n;
  last_position_m_ = s.position_m;
}

double ForceAccumulator::peak_left_n() const { return peak_left_n_; }
double ForceAccumulator::peak_right_n() const { return peak_right_n_; }
double ForceAccumulator::mean_left_n() const {
  return elapsed_s_ > 0 ? impulse_left_ns_ / elapsed_s_ : 0.0;
}
double ForceAccumulator::mean_right_n() const {
  return elapsed_s_ > 0 ? impulse_right_ns_ / elapsed_s_ : 0.0;
}
double ForceAccumulator::min_position_m() const { return min_position_m_; }
double ForceAccumulator::max_position_m() const { return max_position_m_; }

SetSummary summarize(std::span<const RepMetrics> reps) {
  SetSummary sum;
  sum.reps_attempted = static_cast<int>(reps.size());
  for (const RepMetrics& r : reps) {
    if (!r.counted()) continue;
    ++sum.reps_counted;
    sum.mean_eccentric_s += r.eccentric_s;
    sum.mean_concentric_s += r.concentric_s;
    sum.mean_force_left_n += r.mean_force_left_n;
    sum.mean_force_right_n += r.mean_force_right_n;
    sum.time_under_tension_s += r.time_under_tension_s;  // a total, not a mean
    const bool first = sum.reps_counted == 1;
    sum.peak_force_left_n =
        first ? r.peak_force_left_n : std::max(sum.peak_force_left_n, r.peak_force_left_n);
    sum.peak_force_right_n =
        first ? r.peak_force_right_n : std::max(sum.peak_force_right_n, r.peak_force_right_n);
  }
  if (sum.reps_counted > 0) {
    const double n = sum.reps_counted;
    sum.mean_eccentric_s /= n;
    sum.mean_concentric_s /= n;
    sum.mean_force_left_n /= n;
    sum.mean_force_right_n /= n;
  }
  sum.symmetry_index_pct = symmetry_index_pct(sum.mean_force_left_n, sum.mean_force_right_n);
  return sum;
}

}  // namespace tempoload::protocols
