#include "sim/isometric_effort.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace tempoload::sim {

IsometricEffort::IsometricEffort(const IsometricPlan& plan, double base_n, double target_n,
                                 double max_n, std::uint32_t seed)
    : plan_(plan),
      base_n_(base_n),
      target_n_(target_n),
      max_n_(max_n),
      held_n_(target_n),
      rng_(seed) {}

double IsometricEffort::force(double since_s, double dt_s) {
  const double pi = std::numbers::pi;
  const double rise = plan_.rise_s, hold_end = plan_.rise_s + plan_.hold_s;
  double f;
  if (since_s < 0) {
    f = base_n_;
  } else if (since_s < rise) {
    f = base_n_ + (target_n_ - base_n_) * 0.5 * (1 - std::cos(pi * since_s / rise));
  } else if (since_s < hold_end) {
    if (plan_.wobble_fraction > 0) {
      // Ornstein-Uhlenbeck: stationary sd = wobble_fraction, correlation time kWobbleTauS.
      const double a = dt_s / kWobbleTauS;
      wobble_ += -a * wobble_ + plan_.wobble_fraction * std::sqrt(2 * a) * normal_(rng_);
    }
    f = target_n_ * (1 + plan_.drift_per_s * (since_s - rise) + wobble_);
    f = std::clamp(f, 0.0, max_n_);
    held_n_ = f;
  } else if (since_s < hold_end + kRelaxS) {
    const double u = (since_s - hold_end) / kRelaxS;
    f = held_n_ + (base_n_ - held_n_) * 0.5 * (1 - std::cos(pi * u));
  } else {
    f = base_n_;
  }
  peak_n_ = std::max(peak_n_, f);
  return f;
}

}  // namespace tempoload::sim
