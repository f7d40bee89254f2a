#include "protocols/rfd.hpp"

#include <algorithm>
#include <cmath>

namespace tempoload::protocols {

void RfdMeter::update(double t_s, double f_n) {
  if (!std::isfinite(t_s) || !std::isfinite(f_n)) return;
  if (!started_) {
    started_ = true;
    t0_s_ = t_s;
  } else {
    if (t_s <= last_t_s_) return;
    max_dt_s_ = std::max(max_dt_s_, t_s - last_t_s_);
  }
  if (!baseline_done_) {
    if (t_s - t0_s_ < options_.baseline_s || n_ < 2) {
      ++n_;
      const double d = f_n - mean_;
      mean_ += d / n_;
      m2_ += d * (f_n - mean_);
    } else {
      baseline_done_ = true;
      const double sd = std::sqrt(m2_ / (n_ - 1));
      threshold_n_ = mean_ + std::max(options_.sd_multiple * sd, options_.min_rise_n);
    }
  }
  if (baseline_done_ && !onset_ && f_n > threshold_n_) {
    onset_ = true;
    onset_t_s_ = t_s;
    onset_force_n_ = f_n;
  } else if (onset_) {
    for (int k = 0; k < 3; ++k) {
      const double at = onset_t_s_ + kRfdWindowsS[k];
      if (have_[k] || t_s < at) continue;
      const double u = (at - last_t_s_) / (t_s - last_t_s_);  // last_t_s_ < at <= t_s
      const double f_at = last_f_n_ + std::clamp(u, 0.0, 1.0) * (f_n - last_f_n_);
      rfd_[k] = (f_at - onset_force_n_) / kRfdWindowsS[k];
      have_[k] = true;
    }
  }
  last_t_s_ = t_s;
  last_f_n_ = f_n;
}

bool RfdMeter::adequate_rate() const {
  return started_ && max_dt_s_ <= 1.0 / options_.min_rate_hz + 1e-9;
}

}  // namespace tempoload::protocols
