// TempoTracker on clean scripted movements: durations, phases, the tempo line and verdicts.
#include "protocols/tempo_tracker.hpp"

#include <gtest/gtest.h>

#include "protocols/tests/motion_script.hpp"
#include "protocols/tests/tracker_feed.hpp"

namespace tempoload::protocols {
namespace {

using test_support::clean_rep;
using test_support::feed;
using test_support::kDurationTol;
using test_support::kRangeTol;
using test_support::MotionScript;
using test_support::test_rom;

void expect_clean_durations(const RepMetrics& r) {
  EXPECT_EQ(r.verdict, Verdict::kCounted);
  EXPECT_NEAR(r.start_t_s, 1.0, kDurationTol);
  EXPECT_NEAR(r.concentric_s, 3.0, kDurationTol);
  EXPECT_NEAR(r.top_pause_s, 0.5, kDurationTol);
  EXPECT_NEAR(r.eccentric_s, 3.5, kDurationTol);
  EXPECT_NEAR(r.end_t_s, 8.0, kDurationTol);
  EXPECT_DOUBLE_EQ(r.bottom_pause_s, 0.0);
  EXPECT_NEAR(r.time_under_tension_s, 7.0, 2 * kDurationTol);
  EXPECT_NEAR(r.range_m, test_rom().span(), kRangeTol * test_rom().span());
  EXPECT_NEAR(r.range_fraction, 1.0, kRangeTol);
}

TEST(TempoTrackerCleanRep, DurationsMatchScriptAt1kHz) {
  TempoTracker tracker(SetSpec{}, test_rom());
  const auto reps = feed(tracker, clean_rep().sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  expect_clean_durations(reps[0]);
  EXPECT_EQ(reps[0].index, 1);
  EXPECT_EQ(tracker.reps_counted(), 1);
  EXPECT_EQ(tracker.reps_attempted(), 1);
  EXPECT_EQ(tracker.phase(), Phase::kBottomPause);
}

TEST(TempoTrackerCleanRep, DurationsMatchScriptAt100Hz) {
  TempoTracker tracker(SetSpec{}, test_rom());
  const auto reps = feed(tracker, clean_rep().sample(test_rom(), 100));
  ASSERT_EQ(reps.size(), 1u);
  expect_clean_durations(reps[0]);
}

TEST(TempoTrackerCleanRep, PhasesFollowTheMovement) {
  const SetSpec spec;
  TempoTracker tracker(spec, test_rom());
  EXPECT_EQ(tracker.last_rep_start_t_s(), -1);
  struct Check {
    double t_s;
    Phase phase;
    double target_s;
  };
  const Check checks[] = {{0.5, Phase::kReady, 0.0},
                          {2.0, Phase::kConcentric, spec.tempo.concentric_s},
                          {4.3, Phase::kTopPause, spec.tempo.top_pause_s},
                          {6.0, Phase::kEccentric, spec.tempo.eccentric_s},
                          {8.5, Phase::kBottomPause, spec.tempo.bottom_pause_s}};
  const auto samples = clean_rep().sample(test_rom(), 1000);
  std::size_t next = 0;
  for (const MotionSample& s : samples) {
    tracker.update(s);
    if (next < std::size(checks) && s.t_s >= checks[next].t_s) {
      SCOPED_TRACE(checks[next].t_s);
      EXPECT_EQ(tracker.phase(), checks[next].phase);
      EXPECT_DOUBLE_EQ(tracker.phase_target_s(), checks[next].target_s);
      const bool in_rep = checks[next].phase == Phase::kConcentric ||
                          checks[next].phase == Phase::kTopPause ||
                          checks[next].phase == Phase::kEccentric;
      EXPECT_EQ(tracker.in_rep(), in_rep);
      ++next;
    }
  }
  EXPECT_EQ(next, std::size(checks));
  EXPECT_NEAR(tracker.last_rep_start_t_s(), 1.0, kDurationTol);
  EXPECT_NEAR(tracker.phase_elapsed_s(9.0), 1.0, kDurationTol);  // bottom pause since 8.0
}

TEST(TempoTrackerCleanRep, SecondRepCarriesTheBottomPause) {
  TempoTracker tracker(SetSpec{}, test_rom());
  const auto script = clean_rep().rep(3.0, 0.5, 3.5, 1.0);  // second rep starts at 9.0
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 2u);
  EXPECT_NEAR(reps[1].bottom_pause_s, 1.0, kDurationTol);
  EXPECT_NEAR(reps[1].start_t_s, 9.0, kDurationTol);
  EXPECT_EQ(reps[1].index, 2);
  EXPECT_EQ(tracker.reps_counted(), 2);
}

TEST(TempoTrackerTarget, LineFollowsTheTempo) {
  const SetSpec spec;  // 3.0 s up, 3.5 s down
  const RangeOfMotion rom = test_rom();
  const double mid_m = 0.5 * (rom.bottom_m + rom.top_m);
  TempoTracker tracker(spec, rom);
  EXPECT_DOUBLE_EQ(tracker.target_position_m(0.0), rom.bottom_m);
  double last_target_m = rom.bottom_m;
  for (const MotionSample& s : clean_rep().sample(rom, 1000)) {
    tracker.update(s);
    const double start_s = s.t_s - tracker.phase_elapsed_s(s.t_s);
    const double target_m = tracker.target_position_m(s.t_s);
    switch (tracker.phase()) {
      case Phase::kConcentric:
        EXPECT_GE(target_m, last_target_m);  // rises monotonically
        EXPECT_NEAR(tracker.target_position_m(start_s + 1.5), mid_m, 1e-12);
        EXPECT_DOUBLE_EQ(tracker.target_position_m(start_s + 3.0), rom.top_m);
        EXPECT_DOUBLE_EQ(tracker.target_position_m(start_s + 9.0), rom.top_m);
        break;
      case Phase::kTopPause:
        EXPECT_DOUBLE_EQ(target_m, rom.top_m);
        break;
      case Phase::kEccentric:
        EXPECT_LE(target_m, last_target_m);  // falls monotonically
        EXPECT_NEAR(tracker.target_position_m(start_s + 1.75), mid_m, 1e-12);
        EXPECT_DOUBLE_EQ(tracker.target_position_m(start_s + 3.5), rom.bottom_m);
        break;
      default:
        EXPECT_DOUBLE_EQ(target_m, rom.bottom_m);
        break;
    }
    last_target_m = target_m;
  }
}

TEST(TempoTrackerTooFast, FastLoweringFlaggedNotCounted) {
  TempoTracker tracker(SetSpec{}, test_rom());  // eccentric_min_s 3.0
  const auto script = MotionScript(0.0).hold(1.0).rep(3.0, 0.5, 1.5, 1.0);
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_EQ(reps[0].verdict, Verdict::kTooFast);
  EXPECT_FALSE(reps[0].counted());
  EXPECT_NEAR(reps[0].eccentric_s, 1.5, kDurationTol);
  EXPECT_EQ(tracker.reps_counted(), 0);
  EXPECT_EQ(tracker.reps_attempted(), 1);
}

TEST(TempoTrackerTooSlow, SlowLoweringFlaggedNotCounted) {
  TempoTracker tracker(SetSpec{}, test_rom());  // eccentric_max_s 5.0
  const auto script = MotionScript(0.0).hold(1.0).rep(3.0, 0.5, 5.8, 1.0);
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_EQ(reps[0].verdict, Verdict::kTooSlow);
  // Slower moves spend longer inside the deadband at each end: ~0.03 s short per end here.
  EXPECT_NEAR(reps[0].eccentric_s, 5.8, 0.1);
  EXPECT_EQ(tracker.reps_counted(), 0);
}

TEST(TempoTrackerPartialRange, FortyPercentRepFlagged) {
  TempoTracker tracker(SetSpec{}, test_rom());
  const auto script = MotionScript(0.0).hold(1.0).rep(3.0, 0.5, 3.5, 1.0, 0.4);
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_EQ(reps[0].verdict, Verdict::kPartialRange);
  EXPECT_NEAR(reps[0].range_fraction, 0.4, kRangeTol);
  EXPECT_EQ(tracker.reps_counted(), 0);
}

TEST(TempoTrackerPartialRange, PartialWinsOverTooFast) {
  TempoTracker tracker(SetSpec{}, test_rom());
  const auto script = MotionScript(0.0).hold(1.0).rep(1.0, 0.0, 1.0, 1.0, 0.5);
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_EQ(reps[0].verdict, Verdict::kPartialRange);
}

TEST(TempoTrackerSet, SixRepsWithOneTooFast) {
  TempoTracker tracker(SetSpec{}, test_rom());
  MotionScript script(0.0);
  script.hold(1.0);
  for (int i = 0; i < 6; ++i) script.rep(3.0, 0.5, i == 2 ? 1.5 : 3.5, 1.0);
  const auto reps = feed(tracker, script.sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 6u);
  EXPECT_EQ(reps[2].verdict, Verdict::kTooFast);
  EXPECT_EQ(tracker.reps_attempted(), 6);
  EXPECT_EQ(tracker.reps_counted(), 5);

  const double t0 = script.duration_s() + 0.001;
  const auto seventh =
      feed(tracker, MotionScript(0.0).rep(3.0, 0.5, 3.5, 1.0).sample(test_rom(), 1000, {}, {}, t0));
  ASSERT_EQ(seventh.size(), 1u);
  EXPECT_EQ(seventh[0].index, 7);
  EXPECT_EQ(tracker.reps_counted(), 6);
}

}  // namespace
}  // namespace tempoload::protocols
