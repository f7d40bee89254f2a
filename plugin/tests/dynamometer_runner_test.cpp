// The loop's handler running a dynamometer session, cycle by cycle with synthetic samples:
// the drive commands it sends, and the safety paths (e-stop, range of motion).
#include <gtest/gtest.h>

#include "plugin/loop/set_runner.hpp"

namespace tempoload::plugin {
namespace {

using drivers::Command;
using drivers::CycleResult;
using drivers::DriveMode;
using drivers::Sample;
using drivers::StatusBit;

constexpr std::int64_t kPeriodNs = 1'000'000;
constexpr double kDeg = protocols::kPi / 180;

std::uint32_t bit(StatusBit b) { return 1u << static_cast<unsigned>(b); }

class DynamometerRunnerTest : public ::testing::Test {
 protected:
  DynamometerRunnerTest() : runner_(options(), events_, ticks_, &dyno_) {}

  static RunnerOptions options() {
    RunnerOptions o;
    o.dynamometer = {200, 240 * kDeg};  // the machine's torque and speed limits
    return o;
  }

  void start() {
    ControlRequest r;
    r.kind = ControlKind::kStartDynamometerTest;
    r.set_id = 9;
    auto& spec = r.dynamometer;
    spec.series[0].mode = protocols::DynoMode::kIsokineticConcentric;
    spec.series[0].side = protocols::Side::kRight;
    spec.series[0].reps = 1;
    spec.series_count = 1;
    spec.torque_limit_nm = 300;  // above the machine's 200: clamped
    ASSERT_TRUE(runner_.post(r));
  }

  Command cycle(double angle_deg, std::uint32_t status = 0) {
    t_ns_ += kPeriodNs;
    Sample s;
    s.t_ns = t_ns_;
    s.status = status | bit(StatusBit::kReady);
    s.angle_rad = angle_deg * kDeg;
    return runner_.on_cycle(s, CycleResult::kOk, t_ns_);
  }

  std::vector<DynoLoopEvent> drain() {
    std::vector<DynoLoopEvent> out;
    DynoLoopEvent e;
    while (dyno_.events.pop(e)) out.push_back(e);
    return out;
  }

  SetRunner::EventQueue events_;
  SetRunner::TickQueue ticks_;
  DynamometerQueues dyno_;
  SetRunner runner_;
  std::int64_t t_ns_ = 0;
};

TEST_F(DynamometerRunnerTest, PositionsTheFootPassivelyWithinTheMachinesLimits) {
  start();
  for (int i = 0; i < options().reset_cycles; ++i) EXPECT_TRUE(cycle(-30).reset_faults);
  EXPECT_EQ(cycle(-30).mode, DriveMode::kOff) << "ready again: the session starts next cycle";
  const Command c = cycle(-30);  // below the range: positioning towards -15 deg
  EXPECT_EQ(c.mode, DriveMode::kPassive);
  EXPECT_EQ(c.side, drivers::Side::kRight);
  EXPECT_NEAR(c.velocity_radps, 60 * kDeg, 1e-9);
  EXPECT_EQ(c.torque_limit_nm, 200) << "clamped to the machine's limit";
  EXPECT_NEAR(c.rom_min_rad, -15 * kDeg, 1e-9);
  EXPECT_NEAR(c.rom_max_rad, 35 * kDeg, 1e-9);
  EXPECT_TRUE(runner_.set_active());
}

TEST_F(DynamometerRunnerTest, EstopSwitchesTheMotorOffAndEndsTheSessionWithAFault) {
  start();
  for (int i = 0; i < 100; ++i) cycle(-15);
  const Command c = cycle(-15, bit(StatusBit::kEstop));
  EXPECT_EQ(c.mode, DriveMode::kOff);
  EXPECT_FALSE(runner_.set_active());
  const auto events = drain();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, DynoEventKind::kFault);
  EXPECT_EQ(events[0].fault, FaultCode::kEstop);
  EXPECT_EQ(events[1].kind, DynoEventKind::kFinished);
  EXPECT_EQ(events[1].end_reason, protocols::EndReason::kFault);
  LoopEvent calf;
  EXPECT_FALSE(events_.pop(calf)) << "nothing on the calf-raise queue";
}

TEST_F(DynamometerRunnerTest, ShaftBeyondTheRangeIsAFaultThatSwitchesTheMotorOff) {
  start();
  for (int i = 0; i < 2000; ++i) cycle(-15);  // positioned, ready, into the effort
  EXPECT_NE(cycle(-15).mode, DriveMode::kOff);
  const Command c = cycle(40);  // 5 deg past the plantarflexion end
  EXPECT_EQ(c.mode, DriveMode::kOff);
  const auto events = drain();
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[events.size() - 2].fault, FaultCode::kRomExceeded);
  EXPECT_EQ(events.back().kind, DynoEventKind::kFinished);
}

TEST_F(DynamometerRunnerTest, RefusedWithoutDynamometerQueues) {
  SetRunner calf_only(options(), events_, ticks_);
  ControlRequest r;
  r.kind = ControlKind::kStartDynamometerTest;
  r.dynamometer.series_count = 1;
  ASSERT_TRUE(calf_only.post(r));
  Sample s;
  s.status = bit(StatusBit::kReady);
  EXPECT_EQ(calf_only.on_cycle(s, CycleResult::kOk, 1).mode, DriveMode::kOff);
  EXPECT_FALSE(calf_only.set_active());
}

}  // namespace
}  // namespace tempoload::plugin
