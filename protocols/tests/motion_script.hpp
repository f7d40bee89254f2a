// Synthetic sample streams for the protocol tests: a scripted platform movement (constant speed
// with smooth constant-acceleration corners, like a tempo-following athlete), sampled at a given
// rate, with optional seeded noise. Deterministic on every standard library (own Gaussian).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <utility>
#include <vector>

#include "protocols/rep_types.hpp"
#include "protocols/set_spec.hpp"

namespace tempoload::protocols::test_support {

struct Noise {
  double position_frac = 0;  // standard deviation, fraction of the range
  double velocity_frac = 0;  // standard deviation, fraction of the range per second
  std::uint32_t seed = 1;
};

struct Forces {
  double left_n;
  double right_n;
};
using ForceFn = std::function<Forces(double t_s)>;

class MotionScript {
 public:
  // start_p: normalised start position; corner_s: acceleration time at each end of a move.
  explicit MotionScript(double start_p = 0.0, double corner_s = 0.1)
      : end_p_(start_p), corner_s_(corner_s) {}

  MotionScript& move_to(double p, double duration_s) {
    moves_.push_back({end_t_, duration_s, end_p_, p});
    end_t_ += duration_s;
    end_p_ = p;
    return *this;
  }
  MotionScript& hold(double duration_s) { return move_to(end_p_, duration_s); }
  // One rep from the bottom: up, top pause, down, bottom pause.
  MotionScript& rep(double up_s, double top_s, double down_s, double bottom_s, double top_p = 1.0) {
    const double bottom_p = end_p_;
    return move_to(top_p, up_s).hold(top_s).move_to(bottom_p, down_s).hold(bottom_s);
  }

  double duration_s() const { return end_t_; }

  // Normalised position and velocity [range, range/s] at time t.
  double position(double t) const {
    for (const Move& m : moves_) {
      if (t < m.t0 + m.dur) return m.from + (m.to - m.from) * shape(t - m.t0, m.dur).first;
    }
    return end_p_;
  }
  double velocity(double t) const {
    for (const Move& m : moves_) {
      if (t < m.t0 + m.dur) return (m.to - m.from) * shape(t - m.t0, m.dur).second;
    }
    return 0;
  }

  // Samples at t = t0 + k / rate_hz for the whole script, in metres.
  std::vector<MotionSample> sample(const RangeOfMotion& rom, double rate_hz,
                                   const Noise& noise = {}, const ForceFn& forces = {},
                                   double t0_s = 0) const {
    std::mt19937 rng(noise.seed);
    const auto n = static_cast<long>(std::floor(end_t_ * rate_hz + 1e-9));
    std::vector<MotionSample> out;
    out.reserve(n + 1);
    for (long k = 0; k <= n; ++k) {
      const double t = k / rate_hz;
      MotionSample s;
      s.t_s = t0_s + t;
      s.position_m = rom.bottom_m + rom.span() * (position(t) + noise.position_frac * gauss(rng));
      s.velocity_mps = rom.span() * (velocity(t) + noise.velocity_frac * gauss(rng));
      const Forces f = forces ? forces(s.t_s) : Forces{400, 600};
      s.force_left_n = f.left_n;
      s.force_right_n = f.right_n;
      out.push_back(s);
    }
    return out;
  }

 private:
  struct Move {
    double t0, dur, from, to;
  };

  // Fraction travelled and its rate [1/s] at time u into a move of duration d.
  std::pair<double, double> shape(double u, double d) const {
    const double c = std::min(corner_s_, d / 2);
    if (d <= 0) return {1, 0};
    const double vp = 1.0 / (d - c);  // cruising rate
    const double a = c > 0 ? vp / c : 0;
    if (u < c) return {0.5 * a * u * u, a * u};
    if (u > d - c) return {1 - 0.5 * a * (d - u) * (d - u), a * (d - u)};
    return {0.5 * vp * c + vp * (u - c), vp};
  }

  // Irwin-Hall approximation of a unit Gaussian (bounded at +-6).
  static double gauss(std::mt19937& rng) {
    double sum = 0;
    for (int i = 0; i < 12; ++i) sum += rng() / 4294967296.0;
    return sum - 6.0;
  }

  std::vector<Move> moves_;
  double end_t_ = 0;
  double end_p_;
  double corner_s_;
};

}  // namespace tempoload::protocols::test_support
