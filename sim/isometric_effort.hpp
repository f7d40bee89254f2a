// The plate force of one leg during a scripted isometric effort (an MVIC or a sustained hold),
// as a function of the time since the effort began. Pure and deterministic (seeded wobble).
//
//   rise   [0, rise_s):         base + (target - base) (1 - cos(pi t / rise_s)) / 2
//   hold   [rise_s, +hold_s):   target (1 + drift_per_s t_hold) + wobble, within [0, max]
//   relax  [.., +kRelaxS):      back to base along the same raised cosine
// The raised cosine reaches the target exactly at rise_s with a peak slope of
// (target - base) pi / (2 rise_s), so the rate of force development is well defined.
#pragma once

#include <cstdint>
#include <random>

#include "sim/set_script.hpp"

namespace tempoload::sim {

class IsometricEffort {
 public:
  static constexpr double kRelaxS = 0.3;      // back to standing after the hold [s]
  static constexpr double kWobbleTauS = 0.5;  // time constant of the slow wobble [s]

  // base_n: plate force before the push (standing); target_n: force aimed at; max_n: the
  // leg's maximum (the held force never exceeds it).
  IsometricEffort(const IsometricPlan& plan, double base_n, double target_n, double max_n,
                  std::uint32_t seed);

  // Plate force [N] at `since_s` after the effort began; call once per step with that step's
  // dt_s (the wobble advances by dt_s).
  double force(double since_s, double dt_s);
  bool done(double since_s) const { return since_s >= duration_s(); }
  double duration_s() const { return plan_.rise_s + plan_.hold_s + kRelaxS; }
  double peak_n() const { return peak_n_; }  // largest force produced so far
  double target_n() const { return target_n_; }

 private:
  IsometricPlan plan_;
  double base_n_;
  double target_n_;
  double max_n_;
  double wobble_ = 0;  // Ornstein-Uhlenbeck state, fraction of the target
  double held_n_ = 0;  // force at the end of the hold, where the relax starts [N]
  double peak_n_ = 0;
  std::mt19937 rng_;
  std::normal_distribution<double> normal_{0.0, 1.0};
};

}  // namespace tempoload::sim
