// The machine side of the model with synthetic time: watchdog, e-stop, reset, motor, plates and
// the eccentric velocity limit.
#include "sim/calf_raise_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "sim_test_support.hpp"

namespace tempoload::sim {
namespace {

using drivers::StatusBit;
using testing::PluginDriver;

bool has(std::uint16_t status, StatusBit b) { return status & (1u << static_cast<unsigned>(b)); }

class CalfRaiseModelTest : public ::testing::Test {
 protected:
  CalfRaiseModelTest()
      : limits_(testing::repo_map().limits()),
        model_(limits_, testing::repo_scenario("default")),
        plugin_(model_) {}

  drivers::MachineLimits limits_;
  CalfRaiseModel model_;
  PluginDriver plugin_;
};

TEST_F(CalfRaiseModelTest, StartsReadyAndStandingAtTheBottom) {
  const DeviceMeasurements& m = model_.measurements();
  EXPECT_TRUE(has(m.status, StatusBit::kReady));
  EXPECT_DOUBLE_EQ(m.position_m, 0);
  EXPECT_NEAR(m.force_left_n + m.force_right_n, 95 * 9.81, 20);
  plugin_.run(0.010);
  EXPECT_EQ(model_.measurements().sequence, 10);
  EXPECT_NEAR(model_.measurements().device_time_s, 0.010, 1e-9);
}

TEST_F(CalfRaiseModelTest, MotorFollowsSetpointWithSlewLimitAndClamp) {
  plugin_.load(1, 1700);
  plugin_.run(0.100);
  EXPECT_NEAR(model_.measurements().motor_force_n, 1000, 1);  // 10000 N/s
  plugin_.run(0.200);
  EXPECT_NEAR(model_.measurements().motor_force_n, 1700, 1e-6);
  plugin_.load(1, 5000);
  plugin_.run(0.500);
  EXPECT_NEAR(model_.measurements().motor_force_n, limits_.max_force_n, 1e-6);
}

TEST_F(CalfRaiseModelTest, WatchdogTripsWithinPeriodOfLastHeartbeatChangeAndUnloadsAtOnce) {
  plugin_.load(1, 1700);
  plugin_.run(0.5);
  // The last fresh heartbeat was applied before the last step.
  const double last_change_s = model_.time_s() - CalfRaiseModel::kStepS;
  plugin_.heartbeat_alive = false;
  plugin_.run(1.0, [&] { return model_.watchdog_trips() > 0; });
  ASSERT_EQ(model_.watchdog_trips(), 1u);
  const auto& trace = plugin_.trace;
  const double tripped_after = trace.back().t_s - last_change_s;
  EXPECT_GE(tripped_after, limits_.watchdog_s - 1e-9);
  EXPECT_LE(tripped_after, limits_.watchdog_s + 0.001 + 1e-9);
  EXPECT_NEAR(trace[trace.size() - 2].motor_n, 1700, 1e-6);  // loaded one step before...
  EXPECT_EQ(trace.back().motor_n, 0.0);                      // ...and nothing at once
  EXPECT_TRUE(has(trace.back().status, StatusBit::kWatchdogTripped));
  EXPECT_FALSE(has(trace.back().status, StatusBit::kReady));
}

TEST_F(CalfRaiseModelTest, WatchdogDoesNotTripWhileHeartbeatChanges) {
  plugin_.load(1, 1700);
  // The heartbeat changes every 99 ms, just inside the 100 ms period.
  for (int i = 0; i < 50; ++i) {
    plugin_.heartbeat_alive = true;
    plugin_.run(0.001);
    plugin_.heartbeat_alive = false;
    plugin_.run(0.098);
  }
  EXPECT_EQ(model_.watchdog_trips(), 0u);
  EXPECT_TRUE(has(model_.measurements().status, StatusBit::kReady));
  EXPECT_NEAR(model_.measurements().motor_force_n, 1700, 1e-6);
}

TEST_F(CalfRaiseModelTest, WatchdogIsNotArmedWhileModeIsOff) {
  plugin_.heartbeat_alive = false;
  plugin_.run(1.0);
  EXPECT_EQ(model_.watchdog_trips(), 0u);
}

TEST_F(CalfRaiseModelTest, ResetClearsOnlyOnRisingEdgeWithLiveHeartbeat) {
  plugin_.load(1, 1700);
  plugin_.command.control = 1;  // held high before the trip: not an edge
  plugin_.run(0.3);
  plugin_.heartbeat_alive = false;
  plugin_.run(0.2);
  ASSERT_TRUE(model_.faulted());

  // Heartbeat alive again, control still high: no edge, the commanded mode is ignored.
  plugin_.heartbeat_alive = true;
  plugin_.run(0.5);
  EXPECT_TRUE(model_.faulted());
  EXPECT_EQ(model_.measurements().motor_force_n, 0.0);

  // A rising edge while the heartbeat is dead does not reset.
  plugin_.command.control = 0;
  plugin_.run(0.01);
  plugin_.heartbeat_alive = false;
  plugin_.run(0.2);
  plugin_.command.control = 1;
  plugin_.run(0.01);
  EXPECT_TRUE(model_.faulted());

  // A rising edge with a live heartbeat does; the load ramps up again.
  plugin_.heartbeat_alive = true;
  plugin_.command.control = 0;
  plugin_.run(0.01);
  plugin_.command.control = 1;
  plugin_.run(0.001);
  EXPECT_FALSE(model_.faulted());
  EXPECT_TRUE(has(model_.measurements().status, StatusBit::kReady));
  plugin_.run(0.3);
  EXPECT_NEAR(model_.measurements().motor_force_n, 1700, 1e-6);
}

TEST_F(CalfRaiseModelTest, EstopLatchesAndUnloadsAtOnce) {
  plugin_.load(1, 1700);
  plugin_.run(0.5);
  model_.press_estop("test");
  EXPECT_EQ(model_.measurements().motor_force_n, 0.0);
  EXPECT_TRUE(has(model_.measurements().status, StatusBit::kEstop));
  plugin_.run(1.0);
  EXPECT_EQ(model_.measurements().motor_force_n, 0.0);
  EXPECT_TRUE(has(model_.measurements().status, StatusBit::kEstop));
  EXPECT_FALSE(has(model_.measurements().status, StatusBit::kReady));
  plugin_.command.control = 1;
  plugin_.run(0.001);
  EXPECT_FALSE(has(model_.measurements().status, StatusBit::kEstop));
}

TEST(CalfRaiseScenarioEvents, EstopScenarioFiresTenSecondsAfterLoadOn) {
  CalfRaiseModel model(testing::repo_map().limits(), testing::repo_scenario("estop"));
  PluginDriver plugin(model);
  plugin.run(0.5);  // unloaded: the scenario clock has not started
  plugin.load(1, 1700);
  const double load_on_s = model.time_s() + CalfRaiseModel::kStepS;
  plugin.run(15.0, [&] { return model.faulted(); });
  ASSERT_TRUE(has(model.measurements().status, StatusBit::kEstop));
  EXPECT_NEAR(model.time_s() - load_on_s, 10.0, 0.0015);
  EXPECT_EQ(model.measurements().motor_force_n, 0.0);
}

TEST_F(CalfRaiseModelTest, PlatesSplitWithTheScenarioShare) {
  plugin_.load(1, 1700);
  plugin_.run(10.0, [&] { return model_.athlete().reps_done() == 1; });
  ASSERT_EQ(model_.athlete().reps_done(), 1);
  const auto conc = testing::runs_of(plugin_.trace, AthletePhase::kConcentric);
  ASSERT_FALSE(conc.empty());
  double left = 0, right = 0;
  for (std::size_t i = conc.front().first; i < plugin_.trace.size(); ++i) {
    left += plugin_.trace[i].left_n;
    right += plugin_.trace[i].right_n;
  }
  EXPECT_NEAR(left / (left + right), 0.46, 0.005);
  EXPECT_NEAR(right / (left + right), 0.54, 0.005);
  const double si = (right - left) / (0.5 * (right + left));
  EXPECT_NEAR(si, 0.16, 0.01);
}

// An athlete who lowers 9 cm in 1 s (constant-speed profile, peak 0.1 m/s) against a 0.04 m/s
// eccentric limit.
class EccentricLimitTest : public ::testing::Test {
 protected:
  double fastest_lowering_mps(int mode) {
    Scenario s = testing::repo_scenario("default");
    s.tempo.eccentric_s = 1.0;
    s.max_reps = 1;
    CalfRaiseModel model(testing::repo_map().limits(), s);
    PluginDriver plugin(model);
    plugin.load(mode, 1700, 0.04);
    plugin.run(20.0, [&] { return model.athlete().reps_done() == 1; });
    EXPECT_EQ(model.athlete().reps_done(), 1);
    const auto ecc = testing::runs_of(plugin.trace, AthletePhase::kEccentric);
    EXPECT_EQ(ecc.size(), 1u);
    double fastest = 0;
    for (std::size_t i = ecc.front().first; i <= ecc.front().last; ++i)
      fastest = std::max(fastest, -plugin.trace[i].v_mps);
    return fastest;
  }
};

TEST_F(EccentricLimitTest, HoldsLoweringSpeedNearTheLimitWhenTheAthleteDrops) {
  EXPECT_GT(fastest_lowering_mps(1), 0.09);  // isotonic: the drop goes through
  const double limited = fastest_lowering_mps(2);
  EXPECT_GT(limited, 0.04);
  EXPECT_LT(limited, 0.04 + 0.005);
}

}  // namespace
}  // namespace tempoload::sim
