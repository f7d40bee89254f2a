// SessionProtocol: sets in order, unloaded rest counted down between them, load caps, and the
// ways a session ends.
#include "protocols/session_protocol.hpp"

#include <gtest/gtest.h>

#include "protocols/tests/tracker_feed.hpp"

namespace tempoload::protocols {
namespace {

using test_support::test_rom;

// Sets that end by the idle timeout 2 s after full load: load 0-1 s, idle 3 s, unloaded at 4 s.
PlannedSet idle_set(double load_n, double rest_s = 150) {
  PlannedSet p;
  p.spec.load_n = load_n;
  p.spec.load_ramp_s = 1.0;
  p.spec.idle_timeout_s = 2.0;
  p.rest_after_s = rest_s;
  return p;
}

MotionSample at_bottom(double t_s) {
  MotionSample s;
  s.t_s = t_s;
  s.position_m = test_rom().bottom_m;
  return s;
}

struct SessionRun {
  std::vector<double> set_finished_at;
  double finished_at = -1;
  double max_force_n = 0;
};

// 100 Hz until the session ends or until_s; `during` is called before each update.
template <typename F>
SessionRun run(SessionProtocol& session, double until_s, F during) {
  SessionRun r;
  for (int k = 0; k <= static_cast<int>(until_s * 100) && r.finished_at < 0; ++k) {
    const double t = k / 100.0;
    during(t);
    const SessionUpdate u = session.update(at_bottom(t));
    r.max_force_n = std::max(r.max_force_n, u.command.force_n);
    if (u.set_finished) r.set_finished_at.push_back(t);
    if (u.finished) r.finished_at = t;
    if (session.stage() == SessionStage::kRest) {
      EXPECT_FALSE(u.command.engaged) << t;  // unloaded during rest
      EXPECT_EQ(u.command.force_n, 0.0);
    }
  }
  return r;
}

TEST(SessionProtocolRest, CountsDownUnloadedThenRunsTheNextSet) {
  SessionPlan plan;
  plan.sets = {idle_set(800, 150), idle_set(900)};
  SessionProtocol session(plan, test_rom(), MachineLimits{});
  double remaining_at_54 = -1;
  int index_at_100 = -1;
  const SessionRun r = run(session, 400, [&](double t) {
    if (std::abs(t - 54.0) < 1e-9) remaining_at_54 = session.rest_remaining_s();
    if (std::abs(t - 100.0) < 1e-9) index_at_100 = session.set_index();
  });
  ASSERT_EQ(r.set_finished_at.size(), 2u);
  EXPECT_NEAR(r.set_finished_at[0], 4.0, 0.011);
  // Rest 4-154 s (remaining read before the 54 s update: as of 53.99 s), then set 2: 154-158 s.
  EXPECT_NEAR(remaining_at_54, 100.01, 1e-6);
  EXPECT_EQ(index_at_100, 1);
  EXPECT_NEAR(r.set_finished_at[1], 158.0, 0.021);
  EXPECT_EQ(r.finished_at, r.set_finished_at[1]);
  EXPECT_EQ(session.sets_finished(), 2);
  EXPECT_EQ(session.end_reason(), EndReason::kIdleTimeout);
  EXPECT_DOUBLE_EQ(r.max_force_n, 900.0);
}

TEST(SessionProtocolLoad, NeverAbovePrescriptionMaxOrMachineLimit) {
  SessionPlan plan;
  plan.sets = {idle_set(5000, 120), idle_set(2500)};
  plan.max_load_n = 2000;
  SessionProtocol session(plan, test_rom(), MachineLimits{1500});
  EXPECT_DOUBLE_EQ(session.capped_load_n(0), 1500.0);
  const SessionRun r = run(session, 400, [](double) {});
  EXPECT_EQ(session.sets_finished(), 2);
  EXPECT_DOUBLE_EQ(r.max_force_n, 1500.0);
  plan.max_load_n = 1000;
  SessionProtocol lower(plan, test_rom(), MachineLimits{1500});
  EXPECT_DOUBLE_EQ(run(lower, 400, [](double) {}).max_force_n, 1000.0);
}

TEST(SessionProtocolEnd, StopDuringRestEndsAtOnce) {
  SessionPlan plan;
  plan.sets = {idle_set(800), idle_set(800)};
  SessionProtocol session(plan, test_rom(), MachineLimits{});
  const SessionRun r = run(session, 400, [&](double t) {
    if (std::abs(t - 10.0) < 1e-9) session.request_stop();
  });
  EXPECT_NEAR(r.finished_at, 10.0, 1e-9);
  EXPECT_EQ(session.end_reason(), EndReason::kStopped);
  EXPECT_EQ(session.sets_finished(), 1);
}

TEST(SessionProtocolEnd, StopDuringASetSkipsTheRest) {
  SessionPlan plan;
  plan.sets = {idle_set(800), idle_set(800)};
  plan.sets[0].spec.idle_timeout_s = 60;
  SessionProtocol session(plan, test_rom(), MachineLimits{});
  const SessionRun r = run(session, 400, [&](double t) {
    if (std::abs(t - 2.0) < 1e-9) session.request_stop();
  });
  EXPECT_NEAR(r.finished_at, 3.0, 0.011);  // ramped off over 1 s
  EXPECT_EQ(session.end_reason(), EndReason::kStopped);
  EXPECT_EQ(session.sets_finished(), 1);
}

TEST(SessionProtocolEnd, PainAboveTheLimitDuringRestEndsTheSession) {
  SessionPlan plan;
  plan.sets = {idle_set(800), idle_set(800)};
  SessionProtocol session(plan, test_rom(), MachineLimits{});
  bool ended = true;
  const SessionRun r = run(session, 400, [&](double t) {
    if (std::abs(t - 20.0) < 1e-9) {
      EXPECT_FALSE(session.report_pain(4));
    }
    if (std::abs(t - 30.0) < 1e-9) ended = session.report_pain(7);
  });
  EXPECT_TRUE(ended);
  EXPECT_NEAR(r.finished_at, 30.0, 1e-9);
  EXPECT_EQ(session.end_reason(), EndReason::kPain);
}

TEST(SessionProtocolRest, SkipRestStartsTheNextSet) {
  SessionPlan plan;
  plan.sets = {idle_set(800), idle_set(800)};
  SessionProtocol session(plan, test_rom(), MachineLimits{});
  const SessionRun r = run(session, 400, [&](double t) {
    if (std::abs(t - 10.0) < 1e-9) session.skip_rest();
  });
  ASSERT_EQ(r.set_finished_at.size(), 2u);
  EXPECT_NEAR(r.set_finished_at[1], 14.0, 0.021);
}

TEST(SessionProtocolEnd, FaultUnloadsAtOnce) {
  SessionPlan plan;
  plan.sets = {idle_set(800), idle_set(800)};
  SessionProtocol session(plan, test_rom(), MachineLimits{});
  for (int k = 0; k < 150; ++k) session.update(at_bottom(k / 100.0));
  session.fault();
  const SessionUpdate u = session.update(at_bottom(1.5));
  EXPECT_TRUE(u.finished);
  EXPECT_EQ(u.command.force_n, 0.0);
  EXPECT_EQ(session.end_reason(), EndReason::kFault);
}

}  // namespace
}  // namespace tempoload::protocols
