// Rate of force development (Maffiuletti 2016), streaming: no allocation, one sample at a time.
// Baseline: mean and SD of the force over the first baseline_s after reset (athlete relaxed).
// Onset: the first later sample above baseline mean + max(sd_multiple x SD, min_rise_n) (5 SD
// by default; the floor keeps a noiseless baseline from triggering on the smallest rise).
// RFD over 0-W ms = (F(onset + W) - F(onset)) / W, F between samples interpolated linearly;
// W = 50, 100, 200 ms. Needs >= 1 kHz sampling (PROTOCOLS.md section 7): adequate_rate() says
// whether the samples were that dense.
#pragma once

#include <array>

namespace tempoload::protocols {

struct RfdOptions {
  double baseline_s = 0.5;
  double sd_multiple = 5.0;
  double min_rise_n = 10.0;
  double min_rate_hz = 1000;
};

inline constexpr std::array<double, 3> kRfdWindowsS = {0.05, 0.1, 0.2};

class RfdMeter {
 public:
  explicit RfdMeter(const RfdOptions& options = {}) : options_(options) {}
  void reset() { *this = RfdMeter(options_); }
  void update(double t_s, double force_n);

  bool onset_found() const { return onset_; }
  double onset_t_s() const { return onset_t_s_; }
  double onset_force_n() const { return onset_force_n_; }
  double threshold_n() const { return threshold_n_; }
  // RFD over 0-50, 0-100, 0-200 ms [N/s]; has(k) false until the window has passed.
  bool has(int k) const { return have_[k]; }
  double rfd_nps(int k) const { return rfd_[k]; }
  bool adequate_rate() const;  // every sample interval after the first was <= 1 / min_rate_hz

 private:
  RfdOptions options_;
  bool started_ = false;
  double t0_s_ = 0;
  double last_t_s_ = 0;
  double last_f_n_ = 0;
  double max_dt_s_ = 0;
  int n_ = 0;  // baseline samples (Welford)
  double mean_ = 0;
  double m2_ = 0;
  bool baseline_done_ = false;
  double threshold_n_ = 0;
  bool onset_ = false;
  double onset_t_s_ = 0;
  double onset_force_n_ = 0;
  std::array<bool, 3> have_{};
  std::array<double, 3> rfd_{};
};

}  // namespace tempoload::protocols
