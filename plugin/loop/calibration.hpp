// The machine-wide calibration the control loop applies to every set: load-cell offsets
// subtracted from the force readings (so protocols, reps and ticks see calibrated forces) and
// the range of travel allowed to athletes (their RangeOfMotion is clamped into it). Written by
// the operator service, read by the loop thread lock-free (relaxed atomics: each value is
// independent, and a set reads the range once when it starts). It also keeps the latest raw
// forces, from which the load cells are zeroed.
#pragma once

#include <algorithm>
#include <atomic>

#include "drivers/machine.hpp"
#include "protocols/set_spec.hpp"

namespace tempoload::plugin {

class Calibration {
 public:
  // Any thread.
  void set_force_offsets(double left_n, double right_n) {
    offset_left_n_.store(left_n, std::memory_order_relaxed);
    offset_right_n_.store(right_n, std::memory_order_relaxed);
  }
  // top_m <= bottom_m: no limits (the machine's full travel).
  void set_range_limits(double bottom_m, double top_m) {
    range_bottom_m_.store(bottom_m, std::memory_order_relaxed);
    range_top_m_.store(top_m, std::memory_order_relaxed);
  }
  double offset_left_n() const { return offset_left_n_.load(std::memory_order_relaxed); }
  double offset_right_n() const { return offset_right_n_.load(std::memory_order_relaxed); }
  double raw_force_left_n() const { return raw_left_n_.load(std::memory_order_relaxed); }
  double raw_force_right_n() const { return raw_right_n_.load(std::memory_order_relaxed); }

  // Loop thread: records the raw forces and returns the sample with the offsets subtracted.
  drivers::Sample apply(const drivers::Sample& raw) {
    raw_left_n_.store(raw.force_left_n, std::memory_order_relaxed);
    raw_right_n_.store(raw.force_right_n, std::memory_order_relaxed);
    drivers::Sample s = raw;
    s.force_left_n -= offset_left_n();
    s.force_right_n -= offset_right_n();
    return s;
  }

  // Loop thread, when a set starts: the athlete's range clamped into the limits. A range that
  // lies outside the limits altogether becomes the limits.
  protocols::RangeOfMotion clamp(protocols::RangeOfMotion r) const {
    const double lo = range_bottom_m_.load(std::memory_order_relaxed);
    const double hi = range_top_m_.load(std::memory_order_relaxed);
    if (hi <= lo) return r;
    const double bottom = std::clamp(r.bottom_m, lo, hi);
    const double top = std::clamp(r.top_m, lo, hi);
    if (top - bottom < 1e-3) return {lo, hi};
    r.bottom_m = bottom;
    r.top_m = top;
    return r;
  }

 private:
  std::atomic<double> offset_left_n_{0}, offset_right_n_{0};
  std::atomic<double> range_bottom_m_{0}, range_top_m_{0};
  std::atomic<double> raw_left_n_{0}, raw_right_n_{0};
};

}  // namespace tempoload::plugin
