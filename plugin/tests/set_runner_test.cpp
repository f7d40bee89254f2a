// The loop's safety handler driven cycle by cycle with synthetic samples: no machine, no
// threads, no clock.
#include "plugin/loop/set_runner.hpp"

#include <gtest/gtest.h>

namespace tempoload::plugin {
namespace {

using drivers::Command;
using drivers::CycleResult;
using drivers::DriveMode;
using drivers::Sample;
using drivers::StatusBit;

constexpr std::int64_t kPeriodNs = 1'000'000;  // 1 kHz

std::uint32_t bit(StatusBit b) { return 1u << static_cast<unsigned>(b); }

class SetRunnerTest : public ::testing::Test {
 protected:
  SetRunnerTest() : runner_(options(), events_, ticks_) {}

  static RunnerOptions options() {
    RunnerOptions o;
    o.max_force_n = 1500;  // the machine's limit, below the prescription's 1700 N
    return o;
  }

  void start_set(double load_n = 1700) {
    ControlRequest r;
    r.kind = ControlKind::kStartSet;
    r.set_id = 7;
    r.plan.sets.push_back({});
    r.plan.sets[0].spec.reps = 6;
    r.plan.sets[0].spec.load_n = load_n;
    r.range = {0.0, 0.09};
    ASSERT_TRUE(runner_.post(r));
  }

  // One cycle with the platform at rest at the bottom and the given status word.
  Command cycle(std::uint32_t status = 0, CycleResult read = CycleResult::kOk) {
    t_ns_ += kPeriodNs;
    Sample s;
    s.t_ns = t_ns_;
    s.status = status | bit(StatusBit::kReady);
    s.force_left_n = 500;
    s.force_right_n = 500;
    return runner_.on_cycle(s, read, t_ns_);
  }

  Command run(int cycles, std::uint32_t status = 0) {
    Command c;
    for (int i = 0; i < cycles; ++i) c = cycle(status);
    return c;
  }

  std::vector<LoopEvent> drain_events() {
    std::vector<LoopEvent> out;
    LoopEvent e;
    while (events_.pop(e)) out.push_back(e);
    return out;
  }

  SetRunner::EventQueue events_;
  SetRunner::TickQueue ticks_;
  SetRunner runner_;
  std::int64_t t_ns_ = 0;
};

TEST_F(SetRunnerTest, IdleCommandsMotorOff) {
  const Command c = run(100);
  EXPECT_EQ(c.mode, DriveMode::kOff);
  EXPECT_EQ(c.force_n, 0);
  EXPECT_FALSE(runner_.set_active());
}

TEST_F(SetRunnerTest, StartPulsesResetThenRampsLoadNeverAboveMachineLimit) {
  start_set();
  const Command first = cycle();
  EXPECT_TRUE(first.reset_faults) << "a set starts with a fault-reset pulse";
  EXPECT_EQ(first.mode, DriveMode::kOff);
  run(options().reset_cycles);
  double previous = 0;
  double highest = 0;
  for (int i = 0; i < 3000; ++i) {  // 3 s: the 1 s ramp and beyond
    const Command c = cycle();
    EXPECT_FALSE(c.reset_faults);
    EXPECT_LE(c.force_n - previous, 1700.0 * 0.001 / 1.0 + 1e-6) << "load must ramp, not step";
    previous = c.force_n;
    highest = std::max(highest, c.force_n);
  }
  EXPECT_EQ(highest, 1500) << "clamped to the machine's max_force_n";
  EXPECT_TRUE(runner_.set_active());
}

TEST_F(SetRunnerTest, EstopDuringSetUnloadsAtOnceAndEndsWithFault) {
  start_set();
  run(1500);
  ASSERT_GT(cycle().force_n, 500);
  const Command c = cycle(bit(StatusBit::kEstop));
  EXPECT_EQ(c.mode, DriveMode::kOff);
  EXPECT_EQ(c.force_n, 0);
  EXPECT_FALSE(runner_.set_active());
  const auto events = drain_events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, LoopEventKind::kFault);
  EXPECT_EQ(events[0].fault, FaultCode::kEstop);
  EXPECT_EQ(events[1].kind, LoopEventKind::kFinished);
}

TEST_F(SetRunnerTest, WatchdogAndDriveFaultDuringSetUnload) {
  for (StatusBit b : {StatusBit::kWatchdogTripped, StatusBit::kDriveFault}) {
    start_set();
    run(1500);
    const Command c = cycle(bit(b));
    EXPECT_EQ(c.force_n, 0);
    const auto events = drain_events();
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events[0].fault,
              b == StatusBit::kWatchdogTripped ? FaultCode::kWatchdog : FaultCode::kDriveFault);
  }
}

TEST_F(SetRunnerTest, EstopPressedAtStartIsNeverResetByThePlugin) {
  start_set();
  const Command c = cycle(bit(StatusBit::kEstop));
  EXPECT_FALSE(c.reset_faults);
  EXPECT_EQ(c.force_n, 0);
  const auto events = drain_events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].fault, FaultCode::kEstop);
}

TEST_F(SetRunnerTest, LatchedWatchdogThatDoesNotClearIsNotReady) {
  start_set();
  const Command c = run(options().ready_timeout_cycles + 5, bit(StatusBit::kWatchdogTripped));
  EXPECT_EQ(c.force_n, 0);
  const auto events = drain_events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].fault, FaultCode::kNotReady);
}

TEST_F(SetRunnerTest, CommsLossHoldsBrieflyThenFaults) {
  start_set();
  run(1500);
  const double loaded = cycle().force_n;
  for (int i = 0; i < options().max_comms_errors_in_set; ++i)
    EXPECT_EQ(cycle(0, CycleResult::kError).force_n, loaded) << "holds the last command briefly";
  const Command c = cycle(0, CycleResult::kError);
  EXPECT_EQ(c.mode, DriveMode::kOff);
  const auto events = drain_events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].fault, FaultCode::kComms);
}

TEST_F(SetRunnerTest, OverrunFaultUnloads) {
  start_set();
  run(1500);
  runner_.on_overrun_fault();
  EXPECT_EQ(cycle().force_n, 0);
  EXPECT_EQ(drain_events().at(0).fault, FaultCode::kOverrun);
}

TEST_F(SetRunnerTest, StopRequestRampsDownAndFinishes) {
  start_set();
  run(2000);
  ControlRequest stop;
  stop.kind = ControlKind::kStopSet;
  stop.set_id = 7;
  ASSERT_TRUE(runner_.post(stop));
  double previous = cycle().force_n;
  for (int i = 0; i < 1500; ++i) {
    const double f = cycle().force_n;
    EXPECT_LE(previous - f, 1500.0 * 0.001 / 1.0 + 1.0) << "unload ramps";
    previous = f;
  }
  EXPECT_EQ(previous, 0);
  EXPECT_FALSE(runner_.set_active());
  const auto events = drain_events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().kind, LoopEventKind::kFinished);
  EXPECT_EQ(events.back().end_reason, protocols::EndReason::kStopped);
}

TEST_F(SetRunnerTest, TicksAreEmittedAtTheConfiguredDivider) {
  start_set();
  run(1000);
  std::size_t n = 0;
  LoopEvent e;
  while (ticks_.pop(e)) ++n;
  // The reset stage sends no ticks; the rest send one per 10 cycles.
  EXPECT_NEAR(static_cast<double>(n), (1000 - options().reset_cycles - 1) / 10.0, 2.0);
}

TEST_F(SetRunnerTest, PauseRampsOffAndResumeRampsBackOn) {
  start_set(1000);
  run(2000);
  ASSERT_DOUBLE_EQ(cycle().force_n, 1000);
  ControlRequest r;
  r.set_id = 7;
  r.kind = ControlKind::kPauseSet;
  ASSERT_TRUE(runner_.post(r));
  double previous = 1000;
  for (int i = 0; i < 1100; ++i) {
    const double f = cycle().force_n;
    EXPECT_LE(previous - f, 1000.0 * 0.001 / 1.0 + 1.0) << "a pause ramps the load off";
    previous = f;
  }
  EXPECT_EQ(previous, 0);
  EXPECT_TRUE(runner_.set_active()) << "a paused set is not over";
  LoopEvent tick, newest;
  while (ticks_.pop(tick)) newest = tick;
  EXPECT_TRUE(newest.paused);
  EXPECT_NEAR(newest.pause_elapsed_s, 1.1, 0.02);

  r.kind = ControlKind::kResumeSet;
  ASSERT_TRUE(runner_.post(r));
  const Command half = run(500);
  EXPECT_GT(half.force_n, 300);
  EXPECT_LT(half.force_n, 700) << "resume ramps, never steps";
  EXPECT_DOUBLE_EQ(run(600).force_n, 1000);
}

TEST_F(SetRunnerTest, PainAboveTheLimitUnloadsAtOnce) {
  start_set(1000);
  run(2000);
  ControlRequest r;
  r.set_id = 7;
  r.kind = ControlKind::kPainStop;
  r.pain_0_10 = 7;  // the default limit is 5
  ASSERT_TRUE(runner_.post(r));
  const Command c = cycle();
  EXPECT_EQ(c.force_n, 0);
  EXPECT_EQ(c.mode, DriveMode::kOff);
  run(2);
  EXPECT_FALSE(runner_.set_active());
  const auto events = drain_events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().end_reason, protocols::EndReason::kPain);
}

TEST_F(SetRunnerTest, VelocityLimitedSetUsesTheEccentricDriveMode) {
  ControlRequest r;
  r.kind = ControlKind::kStartSet;
  r.set_id = 7;
  r.plan.sets.push_back({});
  r.plan.sets[0].spec.load_n = 1000;
  r.plan.sets[0].spec.tempo.eccentric_min_s = 3.0;
  r.plan.sets[0].spec.eccentric_velocity_limit = true;
  r.range = {0.0, 0.09};
  ASSERT_TRUE(runner_.post(r));
  const Command c = run(2000);
  EXPECT_EQ(c.mode, DriveMode::kEccentricVelocityLimited);
  EXPECT_NEAR(c.velocity_limit_mps, 0.9 * 0.09 / 3.0, 1e-9);  // margin x span / minimum
  EXPECT_DOUBLE_EQ(c.force_n, 1000);
}

}  // namespace
}  // namespace tempoload::plugin
