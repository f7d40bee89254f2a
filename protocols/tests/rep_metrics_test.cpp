// Symmetry formulas, ForceAccumulator, per-rep force metrics from the tracker, summarize and
// the to_string names, against hand-computed values.
#include "protocols/rep_metrics.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "protocols/set_protocol.hpp"
#include "protocols/tempo_tracker.hpp"
#include "protocols/tests/motion_script.hpp"
#include "protocols/tests/tracker_feed.hpp"

namespace tempoload::protocols {
namespace {

using test_support::feed;
using test_support::Forces;
using test_support::MotionScript;
using test_support::test_rom;

MotionSample at(double t_s, double left_n, double right_n, double position_m = 0) {
  MotionSample s;
  s.t_s = t_s;
  s.position_m = position_m;
  s.force_left_n = left_n;
  s.force_right_n = right_n;
  return s;
}

TEST(SymmetryIndex, HandValues) {
  EXPECT_DOUBLE_EQ(symmetry_index_pct(400, 600), 40.0);  // (600-400) / 500 x 100
  EXPECT_DOUBLE_EQ(symmetry_index_pct(600, 400), -40.0);
  EXPECT_DOUBLE_EQ(symmetry_index_pct(500, 500), 0.0);
  EXPECT_DOUBLE_EQ(symmetry_index_pct(0, 100), 200.0);
  EXPECT_DOUBLE_EQ(symmetry_index_pct(0, 0), 0.0);
}

TEST(LimbSymmetryIndex, HandValues) {
  EXPECT_DOUBLE_EQ(limb_symmetry_index_pct(61, 100), 61.0);
  EXPECT_DOUBLE_EQ(limb_symmetry_index_pct(450, 500), 90.0);
  EXPECT_DOUBLE_EQ(limb_symmetry_index_pct(0, 500), 0.0);
  EXPECT_DOUBLE_EQ(limb_symmetry_index_pct(500, 0), 0.0);
  EXPECT_DOUBLE_EQ(limb_symmetry_index_pct(0, 0), 0.0);
}

TEST(ForceAccumulatorBasics, EmptyAndSingleSample) {
  ForceAccumulator acc;
  EXPECT_EQ(acc.mean_left_n(), 0.0);
  EXPECT_EQ(acc.peak_left_n(), 0.0);
  acc.add(at(1.0, 300, 200, 0.25));
  EXPECT_EQ(acc.mean_left_n(), 0.0);  // no interval yet
  EXPECT_EQ(acc.peak_left_n(), 300.0);
  EXPECT_EQ(acc.min_position_m(), 0.25);
  EXPECT_EQ(acc.max_position_m(), 0.25);
  acc.reset();
  EXPECT_EQ(acc.peak_left_n(), 0.0);
  EXPECT_EQ(acc.max_position_m(), 0.0);
}

TEST(ForceAccumulatorRectangleRule, UnevenSampleIntervals) {
  ForceAccumulator acc;
  // Each force holds until the next sample: 100 x 0.1 + 200 x 0.3 + 300 x 0.1 = 100 N s / 0.5 s.
  acc.add(at(0.0, 100, 10, 0.20));
  acc.add(at(0.1, 200, 20, 0.25));
  acc.add(at(0.4, 300, 30, 0.22));
  acc.add(at(0.5, 400, 40, 0.21));
  EXPECT_DOUBLE_EQ(acc.mean_left_n(), 200.0);
  EXPECT_DOUBLE_EQ(acc.mean_right_n(), 20.0);
  EXPECT_DOUBLE_EQ(acc.peak_left_n(), 400.0);  // the last sample counts for the peak
  EXPECT_DOUBLE_EQ(acc.min_position_m(), 0.20);
  EXPECT_DOUBLE_EQ(acc.max_position_m(), 0.25);
}

TEST(ForceAccumulatorRectangleRule, TriangleAt1kHz) {
  ForceAccumulator acc;
  // 0 -> 1000 N over 1 s and back over 1 s: area 1000 N s over 2 s, mean 500 N.
  for (int k = 0; k <= 2000; ++k) {
    const double t = k / 1000.0;
    const double f = t <= 1.0 ? 1000 * t : 1000 * (2 - t);
    acc.add(at(t, f, 2 * f));
  }
  EXPECT_NEAR(acc.mean_left_n(), 500.0, 1e-6);
  EXPECT_NEAR(acc.mean_right_n(), 1000.0, 1e-6);
  EXPECT_NEAR(acc.peak_left_n(), 1000.0, 1e-9);
}

TEST(TempoTrackerForces, ConstantPlates) {
  TempoTracker tracker(SetSpec{}, test_rom());
  const auto script = MotionScript(0.0).hold(1.0).rep(3.0, 0.5, 3.5, 1.0);
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));  // 400 N left, 600 N right
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_NEAR(reps[0].mean_force_left_n, 400.0, 1e-9);
  EXPECT_NEAR(reps[0].mean_force_right_n, 600.0, 1e-9);
  EXPECT_DOUBLE_EQ(reps[0].peak_force_left_n, 400.0);
  EXPECT_DOUBLE_EQ(reps[0].peak_force_right_n, 600.0);
  EXPECT_NEAR(reps[0].symmetry_index_pct, 40.0, 1e-9);
}

TEST(TempoTrackerForces, TriangularProfileInsideTheRep) {
  TempoTracker tracker(SetSpec{}, test_rom());
  const auto script = MotionScript(0.0).hold(1.0).rep(3.0, 0.5, 3.5, 1.0);
  // Left: 0 outside [2, 6] s, peak 1000 N at 4 s (area 2000 N s). Right: 500 N throughout.
  // Outside the rep the left plate reads 5000 N, which must not leak into the rep.
  const auto forces = [](double t) {
    if (t < 0.9 || t > 8.1) return Forces{5000, 500};
    const double left = t < 2 || t > 6 ? 0 : 1000 * (1 - std::abs(t - 4) / 2);
    return Forces{left, 500};
  };
  const auto reps = feed(tracker, script.sample(test_rom(), 1000, {}, forces));
  ASSERT_EQ(reps.size(), 1u);
  const RepMetrics& r = reps[0];
  const double window_s = r.end_t_s - r.start_t_s;
  EXPECT_NEAR(r.peak_force_left_n, 1000.0, 1e-9);
  EXPECT_NEAR(r.mean_force_left_n, 2000.0 / window_s, 0.01);
  EXPECT_NEAR(r.mean_force_right_n, 500.0, 1e-9);
  EXPECT_NEAR(r.symmetry_index_pct, symmetry_index_pct(r.mean_force_left_n, r.mean_force_right_n),
              1e-12);
}

RepMetrics rep(Verdict v, double conc_s, double ecc_s, double left_n, double right_n,
               double peak_left_n, double peak_right_n) {
  RepMetrics r;
  r.verdict = v;
  r.concentric_s = conc_s;
  r.eccentric_s = ecc_s;
  r.mean_force_left_n = left_n;
  r.mean_force_right_n = right_n;
  r.peak_force_left_n = peak_left_n;
  r.peak_force_right_n = peak_right_n;
  r.time_under_tension_s = conc_s + ecc_s;
  return r;
}

TEST(Summarize, CountedRepsOnly) {
  const std::vector<RepMetrics> reps = {
      rep(Verdict::kCounted, 3.0, 3.5, 400, 600, 450, 700),
      rep(Verdict::kTooFast, 1.0, 1.0, 900, 900, 2000, 2000),  // excluded except attempted
      rep(Verdict::kCounted, 3.2, 4.0, 500, 500, 520, 650),
  };
  const SetSummary s = summarize(reps);
  EXPECT_EQ(s.reps_attempted, 3);
  EXPECT_EQ(s.reps_counted, 2);
  EXPECT_DOUBLE_EQ(s.mean_concentric_s, 3.1);
  EXPECT_DOUBLE_EQ(s.mean_eccentric_s, 3.75);
  EXPECT_DOUBLE_EQ(s.mean_force_left_n, 450.0);
  EXPECT_DOUBLE_EQ(s.mean_force_right_n, 550.0);
  EXPECT_DOUBLE_EQ(s.peak_force_left_n, 520.0);
  EXPECT_DOUBLE_EQ(s.peak_force_right_n, 700.0);
  EXPECT_DOUBLE_EQ(s.symmetry_index_pct, 20.0);  // (550-450) / 500 x 100
  EXPECT_DOUBLE_EQ(s.time_under_tension_s, 6.5 + 7.2);
}

TEST(Summarize, NothingCounted) {
  const std::vector<RepMetrics> reps = {rep(Verdict::kPartialRange, 1, 1, 300, 300, 400, 400)};
  const SetSummary s = summarize(reps);
  EXPECT_EQ(s.reps_attempted, 1);
  EXPECT_EQ(s.reps_counted, 0);
  EXPECT_EQ(s.mean_eccentric_s, 0.0);
  EXPECT_EQ(s.peak_force_left_n, 0.0);
  EXPECT_EQ(s.symmetry_index_pct, 0.0);
  EXPECT_EQ(summarize({}).reps_attempted, 0);
}

TEST(ToString, LowerCaseWords) {
  EXPECT_STREQ(to_string(Phase::kLoading), "loading");
  EXPECT_STREQ(to_string(Phase::kReady), "ready");
  EXPECT_STREQ(to_string(Phase::kConcentric), "concentric");
  EXPECT_STREQ(to_string(Phase::kTopPause), "top_pause");
  EXPECT_STREQ(to_string(Phase::kEccentric), "eccentric");
  EXPECT_STREQ(to_string(Phase::kBottomPause), "bottom_pause");
  EXPECT_STREQ(to_string(Phase::kUnloading), "unloading");
  EXPECT_STREQ(to_string(Phase::kDone), "done");
  EXPECT_STREQ(to_string(Verdict::kCounted), "counted");
  EXPECT_STREQ(to_string(Verdict::kTooFast), "too_fast");
  EXPECT_STREQ(to_string(Verdict::kTooSlow), "too_slow");
  EXPECT_STREQ(to_string(Verdict::kPartialRange), "partial_range");
  EXPECT_STREQ(to_string(EndReason::kNone), "none");
  EXPECT_STREQ(to_string(EndReason::kTargetReached), "target_reached");
  EXPECT_STREQ(to_string(EndReason::kStopped), "stopped");
  EXPECT_STREQ(to_string(EndReason::kIdleTimeout), "idle_timeout");
  EXPECT_STREQ(to_string(EndReason::kFault), "fault");
}

}  // namespace
}  // namespace tempoload::protocols
