// TempoTracker on irregular movements: partial lifts, lowerings that turn back, wobbles, stalls,
// bounces off the bottom and where a set may start.
#include <gtest/gtest.h>

#include "protocols/tempo_tracker.hpp"
#include "protocols/tests/motion_script.hpp"
#include "protocols/tests/tracker_feed.hpp"

namespace tempoload::protocols {
namespace {

using test_support::feed;
using test_support::kDurationTol;
using test_support::kRangeTol;
using test_support::MotionScript;
using test_support::test_rom;

TEST(TempoTrackerReversal, HalfWayLiftIsOnePartialRep) {
  TempoTracker tracker(SetSpec{}, test_rom());
  // Gives up at half height (no pause) and lowers back to the bottom.
  const auto script = MotionScript(0.0).hold(1.0).move_to(0.5, 1.5).move_to(0.0, 2.0).hold(1.0);
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_EQ(reps[0].verdict, Verdict::kPartialRange);
  EXPECT_NEAR(reps[0].range_fraction, 0.5, kRangeTol);
  EXPECT_NEAR(reps[0].concentric_s, 1.5, kDurationTol);
  EXPECT_NEAR(reps[0].eccentric_s, 2.0, kDurationTol);
  EXPECT_EQ(tracker.reps_attempted(), 1);
  EXPECT_EQ(tracker.phase(), Phase::kBottomPause);
}

TEST(TempoTrackerReversal, LoweringThatTurnsBackUpIsNotCounted) {
  TempoTracker tracker(SetSpec{}, test_rom());
  // Full lift, lowers to half, rises to the top again, then a full lowering to the bottom.
  const auto script = MotionScript(0.0)
                          .hold(1.0)
                          .move_to(1.0, 3.0)
                          .hold(0.5)
                          .move_to(0.5, 1.75)
                          .move_to(1.0, 1.5)
                          .hold(0.5)
                          .move_to(0.0, 3.5)
                          .hold(1.0);
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_EQ(reps[0].verdict, Verdict::kPartialRange);
  EXPECT_NEAR(reps[0].range_fraction, 0.5, 0.01);
  EXPECT_NEAR(reps[0].end_t_s, 6.25, kDurationTol);  // where it turned back up
  EXPECT_EQ(tracker.reps_counted(), 0);
  EXPECT_EQ(tracker.phase(), Phase::kReady);  // waits for a rise from the bottom
  // The next real rep counts again.
  TempoTracker fresh = tracker;
  const auto more =
      feed(fresh, MotionScript(0.0).rep(3.0, 0.5, 3.5, 1.0).sample(test_rom(), 1000, {}, {}, 13.0));
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].verdict, Verdict::kCounted);
  EXPECT_EQ(more[0].index, 2);
}

TEST(TempoTrackerReversal, SmallWobblesAreAbsorbed) {
  TempoTracker tracker(SetSpec{}, test_rom());
  // A 5% dip during the lift and a 5% bump during the lowering: still one counted rep.
  const auto script = MotionScript(0.0)
                          .hold(1.0)
                          .move_to(0.55, 1.5)
                          .move_to(0.5, 0.3)
                          .move_to(1.0, 1.2)
                          .hold(0.5)
                          .move_to(0.45, 2.0)
                          .move_to(0.5, 0.3)
                          .move_to(0.0, 1.4)
                          .hold(1.0);
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_EQ(reps[0].verdict, Verdict::kCounted);
  EXPECT_NEAR(reps[0].concentric_s, 3.0, kDurationTol);
  EXPECT_NEAR(reps[0].eccentric_s, 3.7, kDurationTol);
}

TEST(TempoTrackerReversal, WobbleAtTheTopStaysInTheTopPause) {
  TempoTracker tracker(SetSpec{}, test_rom());
  // Top at 4 s; dips 5% and comes back during the pause; lowering starts at 5.2 s.
  const auto script = MotionScript(0.0)
                          .hold(1.0)
                          .move_to(1.0, 3.0)
                          .hold(0.3)
                          .move_to(0.95, 0.2)
                          .move_to(1.0, 0.2)
                          .hold(0.5)
                          .move_to(0.0, 3.5)
                          .hold(1.0);
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_EQ(reps[0].verdict, Verdict::kCounted);
  EXPECT_NEAR(reps[0].concentric_s, 3.0, kDurationTol);
  EXPECT_NEAR(reps[0].top_pause_s, 1.2, kDurationTol);
  EXPECT_NEAR(reps[0].eccentric_s, 3.5, kDurationTol);
}

TEST(TempoTrackerReversal, HitchNearTheTopOfTheLiftIsAbsorbed) {
  TempoTracker tracker(SetSpec{}, test_rom());
  // Lift to 92%, slips back 4% without stopping, finishes the lift at 4.2 s.
  const auto script = MotionScript(0.0)
                          .hold(1.0)
                          .move_to(0.92, 2.7)
                          .move_to(0.88, 0.2)
                          .move_to(1.0, 0.3)
                          .hold(0.5)
                          .move_to(0.0, 3.5)
                          .hold(1.0);
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_EQ(reps[0].verdict, Verdict::kCounted);
  EXPECT_NEAR(reps[0].concentric_s, 3.2, kDurationTol);
  EXPECT_NEAR(reps[0].top_pause_s, 0.5, kDurationTol);
  EXPECT_NEAR(reps[0].eccentric_s, 3.5, kDurationTol);
}

TEST(TempoTrackerReversal, StallMidLoweringCountsAsLoweringTime) {
  TempoTracker tracker(SetSpec{}, test_rom());
  const auto script = MotionScript(0.0)
                          .hold(1.0)
                          .move_to(1.0, 3.0)
                          .hold(0.5)
                          .move_to(0.5, 1.5)
                          .hold(1.0)
                          .move_to(0.0, 1.5)
                          .hold(1.0);
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_EQ(reps[0].verdict, Verdict::kCounted);
  EXPECT_NEAR(reps[0].eccentric_s, 4.0, kDurationTol);
}

TEST(TempoTrackerBounce, RepsWithoutBottomPauseAreSeparated) {
  TempoTracker tracker(SetSpec{}, test_rom());
  const auto script = MotionScript(0.0).hold(1.0).rep(3.0, 0.0, 3.5, 0.0).rep(3.0, 0.0, 3.5, 1.0);
  for (const double rate_hz : {1000.0, 100.0}) {
    SCOPED_TRACE(rate_hz);
    TempoTracker t(SetSpec{}, test_rom());
    const auto reps = feed(t, script.sample(test_rom(), rate_hz));
    ASSERT_EQ(reps.size(), 2u);
    for (const RepMetrics& r : reps) {
      EXPECT_EQ(r.verdict, Verdict::kCounted);
      EXPECT_NEAR(r.concentric_s, 3.0, kDurationTol);
      EXPECT_NEAR(r.top_pause_s, 0.0, kDurationTol);
      EXPECT_NEAR(r.eccentric_s, 3.5, kDurationTol);
    }
    EXPECT_NEAR(reps[1].bottom_pause_s, 0.0, kDurationTol);
    EXPECT_NEAR(reps[1].start_t_s, 7.5, kDurationTol);
  }
}

TEST(TempoTrackerStart, StartAtTopWaitsForTheBottom) {
  TempoTracker tracker(SetSpec{}, test_rom());
  // Starts at the top, lowers (no rep: it never lifted), then one real rep.
  const auto script =
      MotionScript(1.0).hold(1.0).move_to(0.0, 3.5).hold(1.0).rep(3.0, 0.5, 3.5, 1.0);
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_NEAR(reps[0].start_t_s, 5.5, kDurationTol);
  EXPECT_DOUBLE_EQ(reps[0].bottom_pause_s, 0.0);  // first rep
}

TEST(TempoTrackerStart, FidgetInsideBottomBandIsNoRep) {
  TempoTracker tracker(SetSpec{}, test_rom());
  const auto script = MotionScript(0.0).hold(1.0).move_to(0.12, 0.5).move_to(0.0, 0.5).hold(1.0);
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  EXPECT_TRUE(reps.empty());
  EXPECT_EQ(tracker.phase(), Phase::kReady);
  EXPECT_EQ(tracker.last_rep_start_t_s(), -1);
}

}  // namespace
}  // namespace tempoload::protocols
