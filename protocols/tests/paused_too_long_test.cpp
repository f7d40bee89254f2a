// "Paused too long": a top or bottom pause, or a stall mid-lowering, longer than max_pause_s, and
// the cues for pauses and lowerings that turned back.
#include <gtest/gtest.h>

#include "protocols/rep_metrics.hpp"
#include "protocols/tempo_tracker.hpp"
#include "protocols/tests/motion_script.hpp"
#include "protocols/tests/tracker_feed.hpp"

namespace tempoload::protocols {
namespace {

using test_support::feed;
using test_support::kDurationTol;
using test_support::MotionScript;
using test_support::test_rom;

SetSpec spec_with_max_pause(double max_pause_s) {
  SetSpec spec;
  spec.tempo.max_pause_s = max_pause_s;
  return spec;
}

TEST(PausedTooLong, LongTopPauseIsNotCounted) {
  const auto script = MotionScript(0.0).hold(1.0).rep(3.0, 3.0, 3.5, 1.0);
  TempoTracker tracker(spec_with_max_pause(2.0), test_rom());
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_NEAR(reps[0].top_pause_s, 3.0, 2 * kDurationTol);
  EXPECT_EQ(reps[0].verdict, Verdict::kPausedTooLong);
  EXPECT_EQ(tracker.reps_counted(), 0);
  const SetSpec spec = spec_with_max_pause(2.0);
  EXPECT_EQ(cue_for(reps[0], spec.tempo, spec.min_range_fraction)
                .rfind("shorter pause at the top: 3.", 0),
            0u);
}

TEST(PausedTooLong, NoLimitByDefaultKeepsTheRep) {
  const auto script = MotionScript(0.0).hold(1.0).rep(3.0, 3.0, 3.5, 1.0);
  TempoTracker tracker(SetSpec{}, test_rom());
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_EQ(reps[0].verdict, Verdict::kCounted);
}

TEST(PausedTooLong, LongBottomPauseBeforeTheSecondRep) {
  const auto script = MotionScript(0.0).hold(1.0).rep(3.0, 0.5, 3.5, 3.0).rep(3.0, 0.5, 3.5, 1.0);
  TempoTracker tracker(spec_with_max_pause(2.0), test_rom());
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 2u);
  EXPECT_EQ(reps[0].verdict, Verdict::kCounted);
  EXPECT_NEAR(reps[1].bottom_pause_s, 3.0, 2 * kDurationTol);
  EXPECT_EQ(reps[1].verdict, Verdict::kPausedTooLong);
}

TEST(PausedTooLong, StallMidLoweringIsTimedAndJudgedBeforeTheTempo) {
  // Lowering: 1.5 s to half way, 2.5 s still, 1.5 s to the bottom: 5.5 s in all (too slow).
  const auto script = MotionScript(0.0)
                          .hold(1.0)
                          .move_to(1.0, 3.0)
                          .hold(0.5)
                          .move_to(0.5, 1.5)
                          .hold(2.5)
                          .move_to(0.0, 1.5)
                          .hold(1.0);
  TempoTracker strict(spec_with_max_pause(2.0), test_rom());
  auto reps = feed(strict, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_NEAR(reps[0].longest_stall_s, 2.5, 0.15);
  EXPECT_NEAR(reps[0].eccentric_s, 5.5, 2 * kDurationTol);
  EXPECT_EQ(reps[0].verdict, Verdict::kPausedTooLong);
  const SetSpec spec = spec_with_max_pause(2.0);
  const std::string cue = cue_for(reps[0], spec.tempo, spec.min_range_fraction);
  EXPECT_EQ(cue.rfind("keep lowering without stopping: stopped 2.", 0), 0u) << cue;
  EXPECT_NE(cue.find("mid-way, max 2.0 s"), std::string::npos) << cue;

  TempoTracker lenient(spec_with_max_pause(3.0), test_rom());  // the stall is allowed
  reps = feed(lenient, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_EQ(reps[0].verdict, Verdict::kTooSlow);
}

TEST(PausedTooLong, SmoothLoweringHasNoStall) {
  TempoTracker tracker(spec_with_max_pause(2.0), test_rom());
  const auto reps = feed(tracker, test_support::clean_rep().sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_DOUBLE_EQ(reps[0].longest_stall_s, 0.0);
  EXPECT_FALSE(reps[0].turned_back);
  EXPECT_EQ(reps[0].verdict, Verdict::kCounted);
}

TEST(PausedTooLong, ReversalMidLoweringSaysSo) {
  // Down to 60% of the range, then back up: 40% travel, turned back.
  const auto script = MotionScript(0.0)
                          .hold(1.0)
                          .move_to(1.0, 3.0)
                          .hold(0.5)
                          .move_to(0.6, 1.5)
                          .move_to(1.0, 1.0)
                          .hold(1.0);
  TempoTracker tracker(SetSpec{}, test_rom());
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_TRUE(reps[0].turned_back);
  EXPECT_EQ(reps[0].verdict, Verdict::kPartialRange);
  EXPECT_EQ(cue_for(reps[0], TempoSpec{}, 0.8),
            "you turned back up mid-lowering: lower all the way (40% of your range, need 80%)");
}

TEST(CueForPause, PicksTheLongestPause) {
  TempoSpec tempo;
  tempo.max_pause_s = 2.0;
  RepMetrics r;
  r.verdict = Verdict::kPausedTooLong;
  r.concentric_s = 3.0;
  r.eccentric_s = 3.5;
  r.bottom_pause_s = 4.12;
  r.top_pause_s = 0.5;
  EXPECT_EQ(cue_for(r, tempo, 0.8), "start the next rep sooner: 4.1 s at the bottom, max 2.0 s");
  r.top_pause_s = 4.5;
  EXPECT_EQ(cue_for(r, tempo, 0.8), "shorter pause at the top: 4.5 s, max 2.0 s");
  r.longest_stall_s = 4.6;
  EXPECT_EQ(cue_for(r, tempo, 0.8),
            "keep lowering without stopping: stopped 4.6 s mid-way, max 2.0 s");
}

}  // namespace
}  // namespace tempoload::protocols
