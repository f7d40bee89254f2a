// HeelRiseSession: the involved leg, unloaded rest, the other leg; each to failure.
#include "protocols/heel_rise_session.hpp"

#include <gtest/gtest.h>

#include "protocols/tests/tracker_feed.hpp"

namespace tempoload::protocols {
namespace {

using test_support::MotionScript;
using test_support::test_rom;

// n reps at 30/min (1 s up, 1 s down), then still: the leg ends by the cadence rule.
std::vector<MotionSample> leg(int n, double t0) {
  MotionScript script(0.0);
  script.hold(1.0);
  for (int i = 0; i < n; ++i) script.rep(1.0, 0.0, 1.0, 0.0);
  script.hold(5);
  return script.sample(test_rom(), 200, {}, {}, t0);
}

TEST(HeelRiseSession, BothLegsWithUnloadedRestBetween) {
  HeelRiseSessionSpec spec;
  spec.test.leg = Legs::kRight;  // the involved leg goes first
  spec.rest_s = 10;
  HeelRiseSession session(spec, test_rom());
  int reps = 0, legs_done = 0;
  double t_end = 0;
  for (const MotionSample& s : leg(12, 0)) {
    const HeelRiseUpdate u = session.update(s);
    reps += u.rep_counted;
    EXPECT_TRUE(u.command.engaged || u.leg_finished) << s.t_s;
    EXPECT_EQ(u.command.force_n, 0.0) << "body weight";
    if (u.leg_finished) {
      ++legs_done;
      t_end = s.t_s;
      break;
    }
  }
  ASSERT_EQ(legs_done, 1);
  EXPECT_EQ(reps, 12);
  EXPECT_EQ(session.last_leg(), Legs::kRight);
  EXPECT_EQ(session.last_leg_result().reps, 12);
  EXPECT_EQ(session.last_leg_ending().end, HeelRiseEnd::kLate);
  ASSERT_EQ(session.stage(), HeelRiseStage::kRest);
  EXPECT_EQ(session.leg(), Legs::kRight) << "until the next leg starts";
  // Rest: motor off for 10 s.
  for (double t = t_end + 0.005; t < t_end + 10; t += 0.005) {
    MotionSample s;
    s.t_s = t;
    s.position_m = test_rom().bottom_m;
    EXPECT_FALSE(session.update(s).command.engaged);
  }
  reps = 0;
  bool finished = false;
  for (const MotionSample& s : leg(16, t_end + 10.01)) {
    const HeelRiseUpdate u = session.update(s);
    reps += u.rep_counted;
    if (u.finished) {
      finished = true;
      break;
    }
  }
  EXPECT_TRUE(finished);
  EXPECT_EQ(reps, 16);
  EXPECT_EQ(session.last_leg(), Legs::kLeft);
  EXPECT_EQ(session.end_reason(), EndReason::kTargetReached);
}

TEST(HeelRiseSession, InvolvedOnlyEndsAfterOneLegAndAStopEndsAtOnce) {
  HeelRiseSessionSpec spec;
  spec.involved_only = true;
  spec.load_n = 200;
  spec.load_ramp_s = 1;
  HeelRiseSession one(spec, test_rom());
  bool finished = false;
  double max_step_n = 0, prev_n = 0;
  for (const MotionSample& s : leg(5, 0)) {
    const HeelRiseUpdate u = one.update(s);
    max_step_n = std::max(max_step_n, std::abs(u.command.force_n - prev_n));
    prev_n = u.command.force_n;
    if (u.finished) {
      finished = true;
      break;
    }
  }
  EXPECT_TRUE(finished);
  EXPECT_EQ(one.last_leg_result().reps, 5);
  EXPECT_LE(max_step_n, 200 * 0.005 / 1.0 + 1e-9) << "the load ramps on and off";
  EXPECT_EQ(prev_n, 0.0) << "off when the leg is reported";

  HeelRiseSession stopped(HeelRiseSessionSpec{}, test_rom());
  const auto samples = leg(10, 0);
  for (int i = 0; i < 1000; ++i) stopped.update(samples[i]);  // 5 s in
  stopped.request_stop();
  const HeelRiseUpdate u = stopped.update(samples[1000]);
  EXPECT_TRUE(u.leg_finished);
  EXPECT_TRUE(u.finished);
  EXPECT_FALSE(u.command.engaged);
  EXPECT_EQ(stopped.end_reason(), EndReason::kStopped);
}

}  // namespace
}  // namespace tempoload::protocols
