// The simulated dynamometer with synthetic time: each motor mode, the range-of-motion stops, the
// footplate's weight on the torque sensor, the athlete's legs (asymmetry, fatigue,
// torque-velocity) and the watchdog.
#include "sim/dynamometer_model.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "drivers/register_map.hpp"
#include "sim/dynamometer_scenario.hpp"

namespace tempoload::sim {
namespace {

using drivers::DriveMode;
using drivers::StatusBit;

constexpr double kDeg = 3.14159265358979323846 / 180;

class DynamometerModelTest : public ::testing::Test {
 protected:
  DynamometerModelTest()
      : map_(drivers::RegisterMap::load_file(TEMPOLOAD_MAPS_DIR "/dynamometer_v1.json")),
        scenario_(load_dynamometer_scenario_file(TEMPOLOAD_SCENARIOS_DIR "/dynamometer.json")) {
    scenario_.torque_sd_nm = 0;  // exact readings
    scenario_.efforts.clear();
    model_.emplace(map_.limits(), scenario_);
    cmd_.torque_limit_nm = 250;
    cmd_.rom_min_rad = -15 * kDeg;
    cmd_.rom_max_rad = 35 * kDeg;
  }

  // Runs for `seconds` of 1 ms steps with a fresh heartbeat; `each` sees every step.
  void run(double seconds, const std::function<void()>& each = {}) {
    for (int i = 0; i < static_cast<int>(seconds * 1000 + 0.5); ++i) {
      if (heartbeat_) ++cmd_.heartbeat;
      model_->apply_commands(cmd_);
      model_->step(DynamometerModel::kStepS);
      if (each) each();
    }
  }
  void mode(DriveMode m, double velocity_deg_s = 0) {
    cmd_.mode = static_cast<int>(m);
    cmd_.velocity_setpoint_radps = velocity_deg_s * kDeg;
  }
  // Moves the shaft passively to `deg` and holds there.
  void position(double deg) {
    mode(DriveMode::kPassive, deg * kDeg > angle() ? 30 : -30);
    for (int i = 0; i < 20000 && std::fabs(angle() - deg * kDeg) > 0.25 * kDeg; ++i) run(0.001);
    mode(DriveMode::kPassive, 0);
    run(0.5);
  }
  double angle() const { return model_->measurements().angle_rad; }
  double speed() const { return model_->measurements().velocity_radps; }
  double torque() const { return model_->measurements().torque_nm; }

  drivers::RegisterMap map_;
  DynamometerScenario scenario_;
  std::optional<DynamometerModel> model_;
  DynamometerCommands cmd_;
  bool heartbeat_ = true;
};

TEST_F(DynamometerModelTest, AtRestTheSensorReadsTheFootplateOnly) {
  for (double deg : {-15.0, 10.0, 35.0}) {
    position(deg);
    // Footplate 2 kg at 0.12 m: -2.3544 cos(angle) N m.
    EXPECT_NEAR(torque(), -2.0 * 9.81 * 0.12 * std::cos(angle()), 0.01) << deg;
    EXPECT_NEAR(torque(), model_->gravity_torque_nm(angle()), 0.01);
  }
}

TEST_F(DynamometerModelTest, IsokineticCapsTheAthletesSpeedAndStopsAtTheRangeEnd) {
  position(-15);
  mode(DriveMode::kIsokinetic, 60);
  double fastest = 0, highest = -1;
  int steady = 0;
  double last_speed = 0;
  run(2.0, [&] {
    fastest = std::max(fastest, speed());
    highest = std::max(highest, angle());
    if (std::fabs(speed() - 60 * kDeg) < 1e-6 && std::fabs(last_speed - 60 * kDeg) < 1e-6) {
      ++steady;
      // At constant speed the sensor reads the athlete plus the footplate (the footplate's
      // torque changes by up to 0.0025 N m in the step).
      EXPECT_NEAR(torque(), model_->athlete_torque_nm() + model_->gravity_torque_nm(angle()),
                  0.003);
    }
    last_speed = speed();
  });
  EXPECT_LE(fastest, 60 * kDeg + 1e-9);
  EXPECT_GT(steady, 500) << "most of the 50 deg at 60 deg/s";
  EXPECT_LE(highest, 35 * kDeg + 1e-9) << "the range's end stops the shaft";
  EXPECT_NEAR(angle(), 35 * kDeg, 1e-6);
}

TEST_F(DynamometerModelTest, ConcentricTorqueFallsWithSpeedAndTheRightLegIsStronger) {
  auto peak = [&](int side, double deg_s) {
    model_.emplace(map_.limits(), scenario_);
    cmd_.side = side;
    position(-15);
    mode(DriveMode::kIsokinetic, deg_s);
    double p = 0;  // before the range's end, where the shaft is stopped with no cushion
    run(1.5, [&] {
      if (angle() < 30 * kDeg) p = std::max(p, torque());
    });
    return p;
  };
  const double left60 = peak(0, 60), left180 = peak(0, 180), right60 = peak(1, 60);
  EXPECT_LT(left180, 0.7 * left60) << "Hill: slower is stronger";
  // 110 vs 135 N m: the right leg 22.7% stronger at the same speed.
  EXPECT_NEAR(right60 / left60, 135.0 / 110.0, 0.02);
  // Left at 60 deg/s near the optimum: 110 x 0.74 (Hill) x ~0.99 (angle) = about 80 N m.
  EXPECT_NEAR(left60, 80, 4);
}

TEST_F(DynamometerModelTest, PassiveMovesTheRelaxedFootAtTheSetSpeed) {
  position(-15);
  mode(DriveMode::kPassive, 30);
  run(1.0);
  EXPECT_NEAR(angle(), 15 * kDeg, 0.5 * kDeg);
  EXPECT_NEAR(speed(), 30 * kDeg, 1e-6);
}

TEST_F(DynamometerModelTest, IsometricHoldsTheAngleAgainstTheAthlete) {
  position(0);
  cmd_.angle_setpoint_rad = 0;
  mode(DriveMode::kIsometric);
  double worst = 0, strongest = 0;
  run(2.0, [&] {
    worst = std::max(worst, std::fabs(angle()));
    strongest = std::max(strongest, torque());
  });
  EXPECT_LT(worst, 0.5 * kDeg);
  // 110 N m at 5 deg from the optimum: 110 (1 - (5/60)^2) = 109.2, less 2.35 of footplate.
  EXPECT_NEAR(strongest, 109.2 - 2.35, 1.0);
}

TEST_F(DynamometerModelTest, ReactiveEccentricMovesOnlyWhileTheAthleteResists) {
  position(35);
  cmd_.torque_setpoint_nm = 10;
  mode(DriveMode::kReactiveEccentric, -30);
  run(1.0);
  EXPECT_NEAR(speed(), -30 * kDeg, 1e-6);
  EXPECT_GT(torque(), 100) << "the athlete resists harder than isometric (eccentric ratio)";
  cmd_.torque_setpoint_nm = 500;  // more than anyone resists: the shaft stops
  run(0.2);
  EXPECT_NEAR(speed(), 0, 0.05 * kDeg);
}

TEST_F(DynamometerModelTest, FatigueLowersEachNextEffort) {
  position(0);
  cmd_.angle_setpoint_rad = 0;
  std::vector<double> peaks;
  for (int i = 0; i < 3; ++i) {
    mode(DriveMode::kIsometric);
    double p = 0;
    run(1.0, [&] { p = std::max(p, torque()); });
    peaks.push_back(p);
    mode(DriveMode::kPassive, 0);
    run(0.5);
  }
  EXPECT_EQ(model_->athlete().efforts_done(0), 3);
  // 1.5% of the fresh strength per effort: 109.2 x 0.015 = 1.64 N m less each time.
  EXPECT_NEAR(peaks[0] - peaks[1], 1.64, 0.1);
  EXPECT_NEAR(peaks[1] - peaks[2], 1.64, 0.1);
}

TEST_F(DynamometerModelTest, IsotonicRepsAtTheScenarioTempoAgainstTheTorque) {
  position(-15);
  cmd_.torque_setpoint_nm = 40;
  mode(DriveMode::kIsotonic, 120);
  double highest = -1;
  run(6.0, [&] {
    highest = std::max(highest, angle());
    EXPECT_LE(std::fabs(speed()), 120 * kDeg + 1e-6);
  });
  EXPECT_GT(highest, 33 * kDeg) << "lifted through the range";
  EXPECT_GE(model_->athlete().efforts_done(0), 1) << "one rep is 0.4 + 1.5 + 0.4 + 3 s";
}

TEST_F(DynamometerModelTest, WatchdogTripsAndReleasesTheMotor) {
  position(0);
  cmd_.angle_setpoint_rad = 0;
  mode(DriveMode::kIsometric);
  run(0.5);
  heartbeat_ = false;
  run(0.2);
  EXPECT_EQ(model_->watchdog_trips(), 1u);
  EXPECT_TRUE(model_->measurements().status &
              (1u << static_cast<unsigned>(StatusBit::kWatchdogTripped)));
  EXPECT_EQ(model_->motor_torque_nm(), 0);
  EXPECT_EQ(model_->mode_in_effect(), 0);
}

TEST_F(DynamometerModelTest, NoValidRangeMeansTheMotorStaysOff) {
  cmd_.rom_min_rad = cmd_.rom_max_rad = 0;
  mode(DriveMode::kPassive, 30);
  run(0.2);
  EXPECT_EQ(model_->mode_in_effect(), 0);
}

}  // namespace
}  // namespace tempoload::sim
