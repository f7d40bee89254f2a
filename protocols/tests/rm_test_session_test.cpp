// RmTestSession: attempts to failure at RmTest's loads, unloaded rest between them, the answer.
// The athlete is scripted per attempt: n clean reps (3 s up, 3 s down, 1 s at the bottom), then
// still at the bottom until the idle timeout ends the attempt.
#include "protocols/rm_test_session.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "protocols/tests/tracker_feed.hpp"

namespace tempoload::protocols {
namespace {

using test_support::MotionScript;
using test_support::test_rom;

RmTestSessionSpec spec() {
  RmTestSessionSpec s;
  s.test.target_rm = 6;
  s.test.estimated_load_n = 1700;
  s.test.start_fraction = 0.95;  // first attempt 1615 N
  s.test.rest_s = 10;
  s.test.max_load_n = 3000;
  s.attempt.tempo.concentric_s = 3;
  s.attempt.tempo.top_pause_s = 0;
  s.attempt.tempo.eccentric_s = 3;
  s.attempt.tempo.bottom_pause_s = 1;
  s.attempt.tempo.eccentric_min_s = 2.5;
  s.attempt.tempo.eccentric_max_s = 4;
  s.attempt.idle_timeout_s = 4;
  s.attempt.load_ramp_s = 1;
  return s;
}

struct AttemptsRun {
  std::vector<double> attempt_loads;
  std::vector<int> attempt_reps;
  double max_force_in_rest_n = 0;
  bool finished = false;
};

// Reps to failure as the Epley model of a 2000 N 1RM: floor(30 (2000 / w - 1)).
int reps_at(double load_n) { return static_cast<int>(30 * (2000 / load_n - 1)); }

AttemptsRun run(RmTestSession& session) {
  AttemptsRun r;
  double t0 = 0;
  for (int guard = 0; guard < 8 && !r.finished; ++guard) {
    // One attempt: 1.5 s for the load ramp, the reps, then at rest until the session moves on.
    MotionScript script(0.0);
    script.hold(1.5);
    const int n = reps_at(session.attempt_load_n());
    for (int i = 0; i < n; ++i) script.rep(3.0, 0.0, 3.0, 1.0);
    script.hold(40);
    for (const MotionSample& s : script.sample(test_rom(), 200, {}, {}, t0)) {
      const RmTestUpdate u = session.update(s);
      if (session.stage() == RmStage::kRest) {
        r.max_force_in_rest_n = std::max(r.max_force_in_rest_n, u.command.force_n);
        EXPECT_FALSE(u.command.engaged) << "unloaded during rest";
      }
      if (u.attempt_finished) {
        r.attempt_loads.push_back(session.last_attempt_load_n());
        r.attempt_reps.push_back(session.last_attempt_reps());
      }
      if (u.finished) r.finished = true;
      if (u.attempt_finished || u.finished) {
        // The next attempt starts after the rest: skip ahead to its first sample.
        t0 = s.t_s + (u.finished ? 0 : 10.0 + 0.005);
        break;
      }
    }
    if (!r.finished) {
      // Rest: motor off until the countdown runs out.
      for (double t = t0 - 10.0; t < t0; t += 0.005) {
        MotionSample s;
        s.t_s = t;
        s.position_m = test_rom().bottom_m;
        const auto u = session.update(s);
        if (session.stage() == RmStage::kRest) EXPECT_FALSE(u.command.engaged) << t;
      }
    }
  }
  return r;
}

TEST(RmTestSession, FindsTheSixRmInTwoAttemptsByEpley) {
  // 1615 N -> floor(30 x 0.2384) = 7 reps; next 1615 (1 + 7/30) / (1 + 6/30) = 1659.86 N ->
  // floor(30 x 0.2049) = 6 reps: found.
  RmTestSession session(spec(), test_rom());
  const AttemptsRun r = run(session);
  ASSERT_TRUE(r.finished);
  ASSERT_EQ(r.attempt_loads.size(), 2u);
  EXPECT_NEAR(r.attempt_loads[0], 1615, 1e-9);
  EXPECT_EQ(r.attempt_reps[0], 7);
  EXPECT_NEAR(r.attempt_loads[1], 1615 * (1 + 7 / 30.0) / 1.2, 1e-9);
  EXPECT_EQ(r.attempt_reps[1], 6);
  EXPECT_EQ(r.max_force_in_rest_n, 0.0);
  EXPECT_TRUE(session.test().result().found);
  EXPECT_EQ(session.end_reason(), EndReason::kTargetReached);
  EXPECT_EQ(session.test().result().how(), "6 reps at 1660 N: target 6RM");
}

TEST(RmTestSession, LoadNeverAboveTheLimit) {
  RmTestSessionSpec s = spec();
  s.test.max_load_n = 1500;  // below the first attempt's 1615 N
  RmTestSession session(s, test_rom());
  EXPECT_DOUBLE_EQ(session.attempt_load_n(), 1500);
  double max_n = 0;
  for (const MotionSample& m : MotionScript(0.0).hold(3).sample(test_rom(), 200))
    max_n = std::max(max_n, session.update(m).command.force_n);
  EXPECT_LE(max_n, 1500);
}

TEST(RmTestSession, StopDuringRestEndsAtOnceWithoutAnotherAttempt) {
  RmTestSession session(spec(), test_rom());
  MotionScript script(0.0);
  script.hold(1.5);
  for (int i = 0; i < 7; ++i) script.rep(3.0, 0.0, 3.0, 1.0);
  script.hold(10);
  double end_t = 0;
  for (const MotionSample& s : script.sample(test_rom(), 200)) {
    if (session.update(s).attempt_finished) {
      end_t = s.t_s;
      break;
    }
  }
  ASSERT_EQ(session.stage(), RmStage::kRest);
  session.request_stop();
  MotionSample s;
  s.t_s = end_t + 1;
  s.position_m = test_rom().bottom_m;
  const RmTestUpdate u = session.update(s);
  EXPECT_TRUE(u.finished);
  EXPECT_FALSE(u.command.engaged);
  EXPECT_EQ(session.end_reason(), EndReason::kStopped);
  EXPECT_FALSE(session.test().done()) << "no answer from one attempt";
}

}  // namespace
}  // namespace tempoload::protocols
