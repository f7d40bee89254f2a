// The drive modes the protocols of issue 3 need, with synthetic time: position hold (mode 7)
// holds, yields above its force limit and raises a passive athlete with a moving setpoint; the
// eccentric velocity limit (mode 2) holds an athlete who tries to drop.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "drivers/signals.hpp"
#include "sim/calf_raise_device.hpp"
#include "sim/calf_raise_model.hpp"
#include "sim_test_support.hpp"

namespace tempoload::sim {
namespace {

using drivers::DriveMode;
using testing::PhaseRun;
using testing::PluginDriver;
using testing::TraceRow;

constexpr int kHold = static_cast<int>(DriveMode::kPositionHold);
constexpr int kEccentric = static_cast<int>(DriveMode::kEccentricVelocityLimited);

class PositionHoldTest : public ::testing::Test {
 protected:
  void start(Scenario s) {
    s.force_sd_n = 0;  // exact plates: the assertions are on the athlete's force
    model_ = std::make_unique<CalfRaiseModel>(testing::repo_map().limits(), s);
    plugin_ = std::make_unique<PluginDriver>(*model_);
  }
  void hold(double x_m, double force_limit_n, double speed_mps = 0) {
    plugin_->load(kHold, force_limit_n, speed_mps);
    plugin_->command.position_setpoint_m = x_m;
  }
  const std::vector<TraceRow>& trace() const { return plugin_->trace; }

  std::unique_ptr<CalfRaiseModel> model_;
  std::unique_ptr<PluginDriver> plugin_;
};

TEST_F(PositionHoldTest, HoldsTheSetpointWhileAnMvicStaysBelowTheForceLimit) {
  start(testing::repo_scenario("mvic"));
  hold(0.045, 3000);  // 0.05 m/s, 0.25 m/s^2: there after 0.9 + 0.2 s
  plugin_->run(1.2);
  EXPECT_NEAR(model_->measurements().position_m, 0.045, 0.0005);
  const std::size_t from = trace().size();
  plugin_->run(6.0);  // the set starts after the 1 s settle; the push lasts 3.55 s
  double peak = 0, lowest = 1, highest = 0, motor_max = -1e9;
  for (std::size_t i = from; i < trace().size(); ++i) {
    peak = std::max(peak, trace()[i].left_n);
    lowest = std::min(lowest, trace()[i].x_m);
    highest = std::max(highest, trace()[i].x_m);
    motor_max = std::max(motor_max, trace()[i].motor_n);
  }
  EXPECT_NEAR(peak, 2000, 2000 * 0.02);
  // 1068 N net push at 2000 N/mm stiffness: about half a millimetre.
  EXPECT_GT(lowest, 0.045 - 0.001);
  EXPECT_LT(highest, 0.045 + 0.001);
  EXPECT_NEAR(motor_max, 2000 - model_->moving_mass_kg() * 9.81, 30);  // the servo took it all
  EXPECT_LE(motor_max, 3000);
}

TEST_F(PositionHoldTest, YieldsAboveTheForceLimitAndNeverPushesHarder) {
  start(testing::repo_scenario("mvic"));
  hold(0.045, 500);
  plugin_->run(7.0);
  double motor_max = -1e9, highest = 0;
  for (const TraceRow& r : trace()) {
    motor_max = std::max(motor_max, r.motor_n);
    highest = std::max(highest, r.x_m);
  }
  EXPECT_LE(motor_max, 500 + 1e-6);
  EXPECT_NEAR(motor_max, 500, 1e-6);  // the limit was reached...
  EXPECT_GT(highest, 0.045 + 0.02);   // ...and the 1068 N push moved the platform well up
  // After the push the servo brings the platform back to the setpoint.
  plugin_->run(3.0);
  EXPECT_NEAR(model_->measurements().position_m, 0.045, 0.001);
}

TEST_F(PositionHoldTest, AMovingSetpointRaisesAPassiveAthleteAtTheCommandedSpeed) {
  start(testing::repo_scenario("alfredson"));
  // 90 mm at 45 mm/s with 0.25 m/s^2 corners (0.18 s): 2.18 s; 1 s in, 45 x (1 - 0.09) mm.
  hold(0.09, 500, 0.045);
  plugin_->run(1.0);
  EXPECT_NEAR(model_->measurements().position_m, 0.045 * 0.91, 0.001);
  plugin_->run(1.0);
  EXPECT_LT(model_->measurements().position_m, 0.09 - 0.001);
  plugin_->run(0.2);
  EXPECT_NEAR(model_->measurements().position_m, 0.09, 0.0005);
  // The athlete stands with their weight, the machine does the lifting (little force at
  // constant speed, none pushing down).
  const double weight = model_->moving_mass_kg() * 9.81;
  for (std::size_t i = 300; i < trace().size(); ++i) {
    EXPECT_NEAR(trace()[i].left_n + trace()[i].right_n, weight, 1e-6);
    ASSERT_LT(std::abs(trace()[i].motor_n), 50)
        << "at " << trace()[i].t_s << " s, x " << trace()[i].x_m << " phase "
        << to_string(trace()[i].phase);
  }
}

TEST_F(PositionHoldTest, EngagedModeArmsTheWatchdogAndAFaultDropsTheHold) {
  start(testing::repo_scenario("alfredson"));
  hold(0.09, 500, 0.045);
  plugin_->run(1.0);
  plugin_->heartbeat_alive = false;
  plugin_->run(0.2);
  EXPECT_EQ(model_->watchdog_trips(), 1u);
  EXPECT_EQ(model_->measurements().motor_force_n, 0.0);
  plugin_->run(2.0);  // nothing holds the platform: the athlete goes back to the bottom
  EXPECT_LT(model_->measurements().position_m, 0.003);
}

TEST(PositionHoldRegisters, TheCommandBlockReachesTheServoThroughTheMap) {
  const drivers::RegisterMap map = testing::repo_map();
  Scenario s = testing::repo_scenario("alfredson");
  CalfRaiseDevice device(CalfRaiseModel(map.limits(), s));
  std::vector<std::uint16_t> cmd(map.commands().count, 0), meas(map.measurements().count, 0);
  map.encode(drivers::Signal::kMode, kHold, cmd.data());
  map.encode(drivers::Signal::kForceSetpoint, 500, cmd.data());
  map.encode(drivers::Signal::kVelocityLimit, 0.045, cmd.data());
  map.encode(drivers::Signal::kPositionSetpoint, 0.06, cmd.data());
  for (int i = 0; i < 2000; ++i) {
    map.encode(drivers::Signal::kHeartbeat, i % 65536, cmd.data());
    device.apply_command_block(map, cmd.data());
    device.step(CalfRaiseModel::kStepS);
  }
  device.encode_measurements(map, meas.data());
  EXPECT_NEAR(map.decode(drivers::Signal::kPosition, meas.data()), 0.06, 0.0005);
  EXPECT_EQ(device.watchdog_trips(), 0u);
}

TEST_F(PositionHoldTest, VelocityLimitHoldsAnAthleteWhoTriesToDrop) {
  const double limit = 0.09 / 3.5;
  start(testing::repo_scenario("drop"));
  plugin_->load(kEccentric, 1200, limit);
  plugin_->run(60, [&] { return model_->athlete().reps_done() >= 3; });
  ASSERT_EQ(model_->athlete().reps_done(), 3);
  const auto ecc = testing::runs_of(trace(), AthletePhase::kEccentric);
  ASSERT_EQ(ecc.size(), 3u);
  const PhaseRun& dropped = ecc[2];  // rep 3 tries 0.8 s
  const double lowering_s = (dropped.last - dropped.first + 1) * CalfRaiseModel::kStepS;
  // 88 mm (the rep ends 2 mm above the bottom) at the limit: 3.42 s.
  EXPECT_GE(lowering_s, 0.088 / (limit + 0.0005));
  double fastest = 0;
  for (std::size_t i = dropped.first; i <= dropped.last; ++i)
    fastest = std::max(fastest, -trace()[i].v_mps);
  EXPECT_LT(fastest, limit + 0.003);
  EXPECT_GT(fastest, limit - 0.003);  // it did push against the limit
}

TEST_F(PositionHoldTest, WithoutTheLimitTheSameDropIsFast) {
  start(testing::repo_scenario("drop"));
  plugin_->load(1, 1200);
  plugin_->run(60, [&] { return model_->athlete().reps_done() >= 3; });
  const auto ecc = testing::runs_of(trace(), AthletePhase::kEccentric);
  ASSERT_EQ(ecc.size(), 3u);
  const double lowering_s = (ecc[2].last - ecc[2].first + 1) * CalfRaiseModel::kStepS;
  EXPECT_LT(lowering_s, 1.3);
  EXPECT_GE(lowering_s, 0.8);
}

}  // namespace
}  // namespace tempoload::sim
