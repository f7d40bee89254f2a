// SetProtocol: pause and resume (ramped both ways, paused time not idle, a long pause ends the
// set), pain reports, the eccentric velocity limit and eccentric-only loading.
#include <gtest/gtest.h>

#include <cmath>

#include "protocols/set_protocol.hpp"
#include "protocols/tests/motion_script.hpp"
#include "protocols/tests/tracker_feed.hpp"

namespace tempoload::protocols {
namespace {

using test_support::MotionScript;
using test_support::test_rom;

SetSpec spec_with(double load_n = 800, double idle_s = 5.0) {
  SetSpec spec;
  spec.reps = 6;
  spec.load_n = load_n;
  spec.load_ramp_s = 1.0;
  spec.idle_timeout_s = idle_s;
  return spec;
}

MotionSample at_bottom(double t_s) {
  MotionSample s;
  s.t_s = t_s;
  s.position_m = test_rom().bottom_m;
  return s;
}

TEST(SetProtocolPause, RampsOffHoldsAndRampsBackOn) {
  SetProtocol set(spec_with(), test_rom());
  SetUpdate u;
  for (int k = 0; k <= 2000; ++k) u = set.update(at_bottom(k / 1000.0));  // loaded at 1 s
  EXPECT_DOUBLE_EQ(u.command.force_n, 800.0);
  ASSERT_TRUE(set.request_pause());
  EXPECT_FALSE(set.request_pause());  // already pausing
  EXPECT_EQ(set.phase(), Phase::kPaused);
  double prev_n = 800;
  for (int k = 2001; k <= 10000; ++k) {
    const double t = k / 1000.0;
    u = set.update(at_bottom(t));
    ASSERT_LE(std::abs(u.command.force_n - prev_n), 800.0 * 0.001 + 1e-9) << t;  // never a step
    prev_n = u.command.force_n;
    if (k == 2500) {
      EXPECT_NEAR(u.command.force_n, 400.0, 1e-6);
    }
    if (k >= 3000) {
      ASSERT_FALSE(u.command.engaged) << t;
      ASSERT_EQ(u.command.force_n, 0.0);
    }
  }
  ASSERT_TRUE(set.request_resume());
  EXPECT_EQ(set.phase(), Phase::kLoading);
  for (int k = 10001; k <= 11000; ++k) {
    u = set.update(at_bottom(k / 1000.0));
    ASSERT_TRUE(u.command.engaged);
    ASSERT_NEAR(u.command.force_n, 800.0 * (k - 10000) / 1000.0, 1e-6);
  }
  EXPECT_EQ(set.phase(), Phase::kReady);
  EXPECT_NEAR(set.paused_s(), 8.0, 1e-9);
  // Idle counts from full load again (11 s), not from the first full load (1 s): ends at 16 s.
  double unload_at = -1;
  for (int k = 11001; k <= 18000 && unload_at < 0; ++k) {
    set.update(at_bottom(k / 1000.0));
    if (set.phase() == Phase::kUnloading) unload_at = k / 1000.0;
  }
  EXPECT_NEAR(unload_at, 16.0, 0.002);
  EXPECT_EQ(set.end_reason(), EndReason::kIdleTimeout);
}

TEST(SetProtocolPause, TooLongEndsTheSet) {
  SetSpec spec = spec_with(800, 60);
  spec.max_set_pause_s = 30;
  SetProtocol set(spec, test_rom());
  for (int k = 0; k <= 2000; ++k) set.update(at_bottom(k / 1000.0));
  set.request_pause();
  double finished_at = -1;
  for (int k = 2001; k <= 40000 && finished_at < 0; ++k) {
    const SetUpdate u = set.update(at_bottom(k / 1000.0));
    if (u.finished) finished_at = k / 1000.0;
  }
  EXPECT_NEAR(finished_at, 32.0, 0.002);
  EXPECT_EQ(set.end_reason(), EndReason::kPausedTooLong);
  EXPECT_FALSE(set.request_resume());
}

TEST(SetProtocolPause, StopWhilePausedEndsAtOnce) {
  SetProtocol set(spec_with(), test_rom());
  for (int k = 0; k <= 4000; ++k) {
    if (k == 2000) set.request_pause();
    set.update(at_bottom(k / 1000.0));
  }
  set.request_stop();
  EXPECT_TRUE(set.update(at_bottom(4.001)).finished);
  EXPECT_EQ(set.end_reason(), EndReason::kStopped);
}

TEST(SetProtocolPause, RepUnderWayIsDroppedAndTheNextOneCounts) {
  // Rise from 1.5 s; paused at 3 s (mid-lift); the athlete goes down; resumed at 8 s (load back
  // at 9 s); a full rep from 10 s.
  const auto script = MotionScript(0.0).hold(1.5).move_to(0.5, 1.5).move_to(0.0, 1.0).hold(6.0).rep(
      3.0, 0.5, 3.5, 2.0);
  SetProtocol set(spec_with(800, 15), test_rom());
  int completed = 0;
  for (const MotionSample& s : script.sample(test_rom(), 1000)) {
    if (std::abs(s.t_s - 3.0) < 1e-9) set.request_pause();
    if (std::abs(s.t_s - 8.0) < 1e-9) set.request_resume();
    if (set.update(s).rep_completed) ++completed;
  }
  EXPECT_EQ(completed, 1);
  EXPECT_EQ(set.tracker().reps_attempted(), 1);
  EXPECT_EQ(set.tracker().reps_counted(), 1);
  EXPECT_NEAR(set.tracker().last_rep().start_t_s, 10.0, 0.05);
  EXPECT_DOUBLE_EQ(set.tracker().last_rep().bottom_pause_s, 0.0);
}

TEST(SetProtocolPain, AtOrBelowTheLimitGoesOn) {
  SetProtocol set(spec_with(), test_rom());
  for (int k = 0; k <= 1500; ++k) set.update(at_bottom(k / 1000.0));
  EXPECT_FALSE(set.report_pain(5.0));  // 5/10 is acceptable (Silbernagel 2007)
  EXPECT_DOUBLE_EQ(set.max_pain_reported(), 5.0);
  EXPECT_DOUBLE_EQ(set.update(at_bottom(1.501)).command.force_n, 800.0);
}

TEST(SetProtocolPain, AboveTheLimitUnloadsAtOnce) {
  SetProtocol set(spec_with(), test_rom());
  for (int k = 0; k <= 1500; ++k) set.update(at_bottom(k / 1000.0));
  EXPECT_TRUE(set.report_pain(6.0));
  const SetUpdate u = set.update(at_bottom(1.501));
  EXPECT_TRUE(u.finished);
  EXPECT_FALSE(u.command.engaged);
  EXPECT_EQ(u.command.force_n, 0.0);  // no ramp: the next cycle is unloaded
  EXPECT_EQ(set.end_reason(), EndReason::kPain);
}

TEST(SetProtocolPain, StopForMildPainIsRamped) {
  SetSpec spec = spec_with();
  spec.pain_limit = 3;
  SetProtocol set(spec, test_rom());
  for (int k = 0; k <= 1500; ++k) set.update(at_bottom(k / 1000.0));
  set.request_stop_for_pain(2.0);
  EXPECT_EQ(set.phase(), Phase::kUnloading);
  EXPECT_NEAR(set.update(at_bottom(2.0)).command.force_n, 400.0, 1.0);
  EXPECT_EQ(set.end_reason(), EndReason::kPain);
  SetProtocol strict(spec, test_rom());
  for (int k = 0; k <= 1500; ++k) strict.update(at_bottom(k / 1000.0));
  strict.request_stop_for_pain(4.0);  // above this prescription's limit of 3
  EXPECT_EQ(strict.phase(), Phase::kDone);
}

TEST(SetProtocolVelocityLimit, FromRangeAndShortestLowering) {
  SetSpec spec = spec_with();
  spec.eccentric_velocity_limit = true;
  spec.tempo.eccentric_min_s = 3.0;
  SetProtocol set(spec, test_rom());  // 8 cm range
  // 0.9 x 0.08 m / 3 s = 0.024 m/s: lowering the whole range takes at least 3.33 s.
  EXPECT_NEAR(set.update(at_bottom(0)).command.velocity_limit_mps, 0.024, 1e-12);
  SetProtocol off(spec_with(), test_rom());
  EXPECT_EQ(off.update(at_bottom(0)).command.velocity_limit_mps, 0.0);
}

TEST(SetProtocolEccentricOnly, TheMachineRaisesThePlatformAndTheAthleteLowersTheLoad) {
  SetSpec spec = spec_with(600, 15);
  spec.eccentric_only = true;
  spec.load_ramp_s = 0.5;
  spec.tempo.concentric_s = 3.0;
  spec.tempo.bottom_pause_s = 1.0;
  // At the bottom until 1.5 s, up 1.5-4.5 s, top pause 4.5-6 s, down 6-10 s, bottom 10-12 s.
  const auto script = MotionScript(0.0).hold(1.5).rep(3.0, 1.5, 4.0, 2.0);
  SetProtocol set(spec, test_rom());  // 8 cm range, top at test_rom().top_m
  int reps = 0;
  for (const MotionSample& s : script.sample(test_rom(), 1000)) {
    const SetUpdate u = set.update(s);
    reps += u.rep_completed;
    if (s.t_s > 0.5) ASSERT_EQ(u.command.force_n, 600.0) << s.t_s;  // full load once ramped
    if (s.t_s > 1.6 && s.t_s < 4.4) {
      // Way up: the machine raises it, 8 cm in the 3 s concentric time.
      ASSERT_TRUE(u.command.hold_position) << s.t_s;
      ASSERT_DOUBLE_EQ(u.command.position_m, test_rom().top_m);
      ASSERT_NEAR(u.command.raise_speed_mps, 0.08 / 3.0, 1e-12);
    }
    if (s.t_s > 4.8 && s.t_s < 10.8) {
      ASSERT_FALSE(u.command.hold_position) << s.t_s;  // top pause and lowering: the athlete's
    }
    if (s.t_s > 10.2 && s.t_s < 10.9) {
      ASSERT_FALSE(u.command.hold_position) << "the bottom pause comes first";
    }
    if (s.t_s > 11.2 && s.t_s < 12.0) {
      ASSERT_TRUE(u.command.hold_position) << "then the next raise: " << s.t_s;
    }
  }
  EXPECT_EQ(reps, 1);
  EXPECT_EQ(set.tracker().reps_counted(), 1);
}

}  // namespace
}  // namespace tempoload::protocols
