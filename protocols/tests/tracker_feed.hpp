// Shared by the tracker tests: feeding a stream and collecting reps, the test range, tolerances
// and the reference clean rep.
#pragma once

#include <vector>

#include "protocols/tempo_tracker.hpp"
#include "protocols/tests/motion_script.hpp"

namespace tempoload::protocols::test_support {

inline std::vector<RepMetrics> feed(TempoTracker& tracker,
                                    const std::vector<MotionSample>& samples) {
  std::vector<RepMetrics> reps;
  for (const MotionSample& s : samples) {
    if (tracker.update(s)) reps.push_back(tracker.last_rep());
  }
  return reps;
}

// The calibrated range used by the tests: an 8 cm heel travel.
inline RangeOfMotion test_rom() { return {0.20, 0.28}; }

constexpr double kDurationTol = 0.05;  // [s] scripted vs measured phase durations, clean signal
constexpr double kRangeTol = 0.005;    // [range] a rep starts a hair above the bottom

// 1 s still at the bottom, then up 3 s (1-4), top 0.5 s (4-4.5), down 3.5 s (4.5-8), rest 1 s.
inline MotionScript clean_rep() { return MotionScript(0.0).hold(1.0).rep(3.0, 0.5, 3.5, 1.0); }

}  // namespace tempoload::protocols::test_support
