// SetProtocol: load ramps (never above the load, never a step), and each way a set ends.
#include "protocols/set_protocol.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "protocols/tests/motion_script.hpp"
#include "protocols/tests/tracker_feed.hpp"

namespace tempoload::protocols {
namespace {

using test_support::MotionScript;
using test_support::test_rom;

SetSpec spec_with(int reps, double load_n = 800, double ramp_s = 1.0, double idle_s = 15.0) {
  SetSpec spec;
  spec.reps = reps;
  spec.load_n = load_n;
  spec.load_ramp_s = ramp_s;
  spec.idle_timeout_s = idle_s;
  return spec;
}

MotionSample sample_at(const MotionScript& script, double t_s) {
  const RangeOfMotion rom = test_rom();
  MotionSample s;
  s.t_s = t_s;
  s.position_m = rom.bottom_m + rom.span() * script.position(t_s);
  s.velocity_mps = rom.span() * script.velocity(t_s);
  s.force_left_n = 400;
  s.force_right_n = 400;
  return s;
}

// Runs until kDone (or the samples run out); records what the host would see.
struct SetRun {
  std::vector<double> completed_at;
  double unload_start_t_s = -1;
  double finished_at = -1;
  int finished_count = 0;
};

SetRun run(SetProtocol& set, const std::vector<MotionSample>& samples) {
  SetRun r;
  for (const MotionSample& s : samples) {
    const SetUpdate u = set.update(s);
    if (u.rep_completed) r.completed_at.push_back(s.t_s);
    if (set.phase() == Phase::kUnloading && r.unload_start_t_s < 0) r.unload_start_t_s = s.t_s;
    if (u.finished) {
      r.finished_at = s.t_s;
      ++r.finished_count;
    }
    if (set.phase() == Phase::kDone) {
      EXPECT_FALSE(u.command.engaged);
      EXPECT_EQ(u.command.force_n, 0.0);
    }
  }
  return r;
}

TEST(SetProtocolLoadRamp, NeverExceedsLoadNorSteps) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> dt_dist(0.0002, 0.03), load_dist(50, 1500),
      ramp_dist(0.2, 3.0), when_dist(0, 30);
  const MotionScript script =
      MotionScript(0.0).hold(1.5).rep(3.0, 0.5, 3.5, 1.0).rep(3.0, 0.5, 3.5, 20.0);
  for (int trial = 0; trial < 200; ++trial) {
    SCOPED_TRACE(trial);
    const SetSpec spec = spec_with(trial % 3 == 0 ? 2 : 6, load_dist(rng), ramp_dist(rng), 5.0);
    SetProtocol set(spec, test_rom());
    const double stop_t = trial % 4 == 1 ? when_dist(rng) : 1e9;
    const double fault_t = trial % 4 == 2 ? when_dist(rng) : 1e9;
    const double max_rate = spec.load_n / spec.load_ramp_s;  // [N/s]
    double t = 0, prev_t = 0, prev_force = 0;
    bool done = false;
    while (t < 40) {
      if (t >= stop_t) set.request_stop();
      if (t >= fault_t) set.fault();
      const SetUpdate u = set.update(sample_at(script, t));
      ASSERT_GE(u.command.force_n, 0.0);
      ASSERT_LE(u.command.force_n, spec.load_n);
      if (set.end_reason() != EndReason::kFault) {  // a fault drops the force at once
        ASSERT_LE(std::abs(u.command.force_n - prev_force), max_rate * (t - prev_t) + 1e-9);
      } else {
        ASSERT_EQ(u.command.force_n, 0.0);
      }
      if (done) {
        ASSERT_FALSE(u.command.engaged);
      }
      done = done || set.phase() == Phase::kDone;
      prev_force = u.command.force_n;
      prev_t = t;
      t += dt_dist(rng);
    }
    EXPECT_TRUE(done);  // every path ends within 40 s (idle timeout 5 s)
  }
}

TEST(SetProtocolLoadRamp, RampsLinearlyThenReady) {
  SetProtocol set(spec_with(6, 800, 1.0), test_rom());
  EXPECT_EQ(set.phase(), Phase::kLoading);
  const double t0 = 10.0;  // ramp time counts from the first update
  MotionSample s;
  for (int k = 0; k <= 1000; ++k) {
    s.t_s = t0 + k / 1000.0;
    const SetUpdate u = set.update(s);
    EXPECT_TRUE(u.command.engaged);
    EXPECT_NEAR(u.command.force_n, 800.0 * k / 1000.0, 1e-9);
  }
  EXPECT_EQ(set.phase(), Phase::kReady);
  s.t_s += 0.001;
  EXPECT_DOUBLE_EQ(set.update(s).command.force_n, 800.0);
  EXPECT_EQ(set.end_reason(), EndReason::kNone);
}

TEST(SetProtocolEnd, TargetReachedUnloadsAtTheLastRep) {
  SetProtocol set(spec_with(2), test_rom());
  // Loading 0-1 s; rep 1 at 1.5-8.5 s, rep 2 at 9.5-16.5 s.
  const auto script = MotionScript(0.0).hold(1.5).rep(3.0, 0.5, 3.5, 1.0).rep(3.0, 0.5, 3.5, 5.0);
  const SetRun r = run(set, script.sample(test_rom(), 1000));
  ASSERT_EQ(r.completed_at.size(), 2u);
  EXPECT_EQ(set.end_reason(), EndReason::kTargetReached);
  EXPECT_EQ(set.tracker().reps_counted(), 2);
  EXPECT_DOUBLE_EQ(r.unload_start_t_s, r.completed_at[1]);  // unloads from that rep's cycle
  EXPECT_NEAR(r.finished_at, r.completed_at[1] + 1.0, 0.002);
  EXPECT_EQ(r.finished_count, 1);
  EXPECT_EQ(set.phase(), Phase::kDone);
}

TEST(SetProtocolEnd, IdleTimeoutCountsFromFullLoad) {
  SetProtocol set(spec_with(6, 800, 1.0, 15.0), test_rom());
  const SetRun r =
      run(set, MotionScript(0.0).hold(20.0).sample(test_rom(), 1000, {0.003, 0.02, 3}));
  EXPECT_EQ(set.end_reason(), EndReason::kIdleTimeout);
  EXPECT_NEAR(r.unload_start_t_s, 16.0, 0.002);  // load on at 1 s + 15 s
  EXPECT_NEAR(r.finished_at, 17.0, 0.002);
}

TEST(SetProtocolEnd, IdleTimeoutCountsFromTheLastRep) {
  SetProtocol set(spec_with(6, 800, 1.0, 15.0), test_rom());
  const auto script = MotionScript(0.0).hold(1.5).rep(3.0, 0.5, 3.5, 20.0);  // rep ends at 8.5
  const SetRun r = run(set, script.sample(test_rom(), 1000));
  ASSERT_EQ(r.completed_at.size(), 1u);
  EXPECT_EQ(set.end_reason(), EndReason::kIdleTimeout);
  EXPECT_NEAR(r.unload_start_t_s, set.tracker().last_rep().end_t_s + 15.0, 0.002);
}

TEST(SetProtocolEnd, StuckAtTheTopTimesOut) {
  SetProtocol set(spec_with(6, 800, 1.0, 15.0), test_rom());
  const auto script = MotionScript(0.0).hold(1.5).move_to(1.0, 3.0).hold(25.0);  // top at 4.5
  const SetRun r = run(set, script.sample(test_rom(), 1000));
  EXPECT_EQ(set.end_reason(), EndReason::kIdleTimeout);
  EXPECT_NEAR(r.unload_start_t_s, 4.5 + 15.0, 0.05);
}

TEST(SetProtocolStop, RampedUnloadAndDone) {
  SetProtocol set(spec_with(6, 800, 1.0), test_rom());
  MotionSample s;
  for (int k = 0; k <= 5000; ++k) {
    s.t_s = k / 1000.0;
    set.update(s);
  }
  set.request_stop();
  EXPECT_EQ(set.phase(), Phase::kUnloading);
  EXPECT_EQ(set.end_reason(), EndReason::kStopped);
  s.t_s = 5.5;
  SetUpdate u = set.update(s);
  EXPECT_TRUE(u.command.engaged);
  EXPECT_NEAR(u.command.force_n, 400.0, 1e-9);
  s.t_s = 6.0;
  u = set.update(s);
  EXPECT_TRUE(u.finished);
  EXPECT_FALSE(u.command.engaged);
  EXPECT_EQ(set.phase(), Phase::kDone);
  set.request_stop();  // too late: changes nothing
  EXPECT_EQ(set.end_reason(), EndReason::kStopped);
}

TEST(SetProtocolStop, DuringLoadingUnloadsFromTheCurrentForce) {
  SetProtocol set(spec_with(6, 800, 1.0), test_rom());
  MotionSample s;
  for (int k = 0; k <= 500; ++k) {
    s.t_s = k / 1000.0;
    set.update(s);
  }
  set.request_stop();  // at 400 N
  s.t_s = 0.75;
  EXPECT_NEAR(set.update(s).command.force_n, 300.0, 1e-9);  // 400 N over 1 s: -100 N in 0.25 s
}

TEST(SetProtocolFault, ForceZeroAtOnce) {
  SetProtocol set(spec_with(6, 800, 1.0), test_rom());
  MotionSample s;
  for (int k = 0; k <= 3000; ++k) {
    s.t_s = k / 1000.0;
    set.update(s);
  }
  set.fault();
  EXPECT_EQ(set.phase(), Phase::kDone);
  EXPECT_EQ(set.end_reason(), EndReason::kFault);
  s.t_s = 3.001;
  SetUpdate u = set.update(s);
  EXPECT_FALSE(u.command.engaged);
  EXPECT_EQ(u.command.force_n, 0.0);
  EXPECT_TRUE(u.finished);  // reported once, on the first update after the fault
  s.t_s = 3.002;
  u = set.update(s);
  EXPECT_FALSE(u.finished);
  EXPECT_FALSE(u.command.engaged);
  set.request_stop();
  EXPECT_EQ(set.end_reason(), EndReason::kFault);
}

}  // namespace
}  // namespace tempoload::protocols
