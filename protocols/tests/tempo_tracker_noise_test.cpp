// TempoTracker under sensor noise and bad samples: a still platform never starts a rep, noisy
// reps still count with accurate durations.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "protocols/tempo_tracker.hpp"
#include "protocols/tests/motion_script.hpp"
#include "protocols/tests/tracker_feed.hpp"

namespace tempoload::protocols {
namespace {

using test_support::feed;
using test_support::MotionScript;
using test_support::Noise;
using test_support::test_rom;

// Position noise 0.3% of the range; velocity noise 2% of the range per second (0.4x deadband).
constexpr Noise kNoise{0.003, 0.02, 1};

TEST(TempoTrackerNoise, StillPlatformAtBottomNeverStartsARep) {
  for (std::uint32_t seed = 1; seed <= 5; ++seed) {
    SCOPED_TRACE(seed);
    // Velocity noise as large as the deadband itself: half the samples read as moving.
    for (const double velocity_noise : {0.02, 0.05}) {
      TempoTracker tracker(SetSpec{}, test_rom());
      const auto samples =
          MotionScript(0.0).hold(30.0).sample(test_rom(), 1000, {0.003, velocity_noise, seed});
      std::size_t in_rep_samples = 0;
      for (const MotionSample& s : samples) {
        EXPECT_FALSE(tracker.update(s));
        in_rep_samples += tracker.in_rep();
      }
      EXPECT_EQ(in_rep_samples, 0u);
      EXPECT_EQ(tracker.reps_attempted(), 0);
      EXPECT_EQ(tracker.last_rep_start_t_s(), -1);
    }
  }
}

TEST(TempoTrackerNoise, StillPlatformAtBandEdgeOrMidRangeNeverStartsARep) {
  for (const double p : {0.15, 0.5, 0.85, 1.0}) {
    SCOPED_TRACE(p);
    TempoTracker tracker(SetSpec{}, test_rom());
    const auto reps = feed(tracker, MotionScript(p).hold(30.0).sample(test_rom(), 1000, kNoise));
    EXPECT_TRUE(reps.empty());
    EXPECT_FALSE(tracker.in_rep());
    EXPECT_EQ(tracker.last_rep_start_t_s(), -1);
  }
}

TEST(TempoTrackerNoise, NoisyRepsCountWithAccurateDurations) {
  MotionScript script(0.0);
  script.hold(1.0);
  for (int i = 0; i < 3; ++i) script.rep(3.0, 0.5, 3.5, 1.0);  // rep i starts at 1 + 8 i
  for (const double rate_hz : {1000.0, 100.0}) {
    for (std::uint32_t seed = 1; seed <= 3; ++seed) {
      SCOPED_TRACE(::testing::Message() << rate_hz << " Hz, seed " << seed);
      TempoTracker tracker(SetSpec{}, test_rom());
      Noise noise = kNoise;
      noise.seed = seed;
      const auto reps = feed(tracker, script.sample(test_rom(), rate_hz, noise));
      ASSERT_EQ(reps.size(), 3u);
      for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(reps[i].verdict, Verdict::kCounted);
        EXPECT_NEAR(reps[i].start_t_s, 1.0 + 8.0 * i, 0.1);
        EXPECT_NEAR(reps[i].concentric_s, 3.0, 0.1);
        EXPECT_NEAR(reps[i].top_pause_s, 0.5, 0.1);
        EXPECT_NEAR(reps[i].eccentric_s, 3.5, 0.1);
      }
      EXPECT_NEAR(reps[1].bottom_pause_s, 1.0, 0.1);
    }
  }
}

TEST(TempoTrackerNoise, NoisyPartialRepStaysPartial) {
  TempoTracker tracker(SetSpec{}, test_rom());
  const auto script = MotionScript(0.0).hold(1.0).rep(3.0, 0.5, 3.5, 1.0, 0.4);
  const auto reps = feed(tracker, script.sample(test_rom(), 1000, kNoise));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_EQ(reps[0].verdict, Verdict::kPartialRange);
  EXPECT_NEAR(reps[0].range_fraction, 0.4, 0.03);
}

TEST(TempoTrackerFuzz, InvariantsHoldOnRandomMovements) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> pos(-0.05, 1.05), dur(0.05, 4.0), rate(50, 1000);
  const SetSpec spec;
  for (int trial = 0; trial < 60; ++trial) {
    SCOPED_TRACE(trial);
    MotionScript script(0.0);
    for (int m = 0; m < 20; ++m) {
      if (m % 3 == 0) {
        script.hold(dur(rng));
      } else {
        script.move_to(pos(rng), dur(rng));
      }
    }
    TempoTracker tracker(spec, test_rom());
    const auto reps =
        feed(tracker, script.sample(test_rom(), rate(rng), {0.003, 0.03, 5u + trial}));
    int counted = 0;
    double prev_end_s = -1;
    for (std::size_t i = 0; i < reps.size(); ++i) {
      const RepMetrics& r = reps[i];
      EXPECT_EQ(r.index, static_cast<int>(i) + 1);
      EXPECT_GE(r.concentric_s, 0);
      EXPECT_GE(r.top_pause_s, 0);
      EXPECT_GE(r.eccentric_s, 0);
      EXPECT_GE(r.bottom_pause_s, 0);
      EXPECT_GE(r.start_t_s, prev_end_s);
      EXPECT_NEAR(r.end_t_s - r.start_t_s, r.time_under_tension_s, 1e-9);
      if (r.counted()) {
        ++counted;
        EXPECT_GE(r.range_fraction, spec.min_range_fraction);
        EXPECT_GE(r.eccentric_s, spec.tempo.eccentric_min_s);
        EXPECT_LE(r.eccentric_s, spec.tempo.eccentric_max_s);
      }
      prev_end_s = r.end_t_s;
    }
    EXPECT_EQ(tracker.reps_counted(), counted);
    EXPECT_EQ(tracker.reps_attempted(), static_cast<int>(reps.size()));
  }
}

TEST(TempoTrackerBadSamples, NonFiniteAndBackwardSamplesAreIgnored) {
  TempoTracker tracker(SetSpec{}, test_rom());
  const auto samples = MotionScript(0.0).hold(1.0).rep(3.0, 0.5, 3.5, 1.0).sample(test_rom(), 1000);
  std::vector<RepMetrics> reps;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (tracker.update(samples[i])) reps.push_back(tracker.last_rep());
    if (i % 500 == 250) {
      MotionSample bad = samples[i];
      bad.position_m = std::numeric_limits<double>::quiet_NaN();
      EXPECT_FALSE(tracker.update(bad));
      MotionSample old = samples[i];
      old.t_s -= 0.5;
      old.position_m = test_rom().top_m;
      EXPECT_FALSE(tracker.update(old));
    }
  }
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_EQ(reps[0].verdict, Verdict::kCounted);
  EXPECT_NEAR(reps[0].eccentric_s, 3.5, 0.05);
}

}  // namespace
}  // namespace tempoload::protocols
