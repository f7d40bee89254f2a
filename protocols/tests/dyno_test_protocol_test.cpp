// The dynamometer engine driven by an ideal dynamometer: each mode's commands, the range-of-motion
// cushion and limits, the 60 deg/s confirmation, gravity correction and stopping.
#include "protocols/dyno_test_protocol.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "protocols/dyno_presets.hpp"
#include "protocols/rom_cushion.hpp"
#include "protocols/tests/dyno_plant.hpp"

namespace tempoload::protocols {
namespace {

using test_support::DynoTrace;
using test_support::IdealDynamometer;

constexpr double kDegTol = 1e-9;

DynoTestSpec one_series(const DynoSeriesSpec& s) {
  DynoTestSpec spec;
  spec.series[0] = s;
  spec.series_count = 1;
  spec.ready_s = 0.5;
  return spec;
}

DynoSeriesSpec series(DynoMode mode, int reps, double speed_deg_s = 60) {
  DynoSeriesSpec s;
  s.mode = mode;
  s.reps = reps;
  s.speed_radps = deg_to_rad(speed_deg_s);
  s.rest_between_reps_s = 0.2;
  s.rest_after_s = 0;
  return s;
}

// Largest |commanded speed| in a phase, over cycles of the given drive mode.
double max_speed(const std::vector<DynoTrace>& trace, DynoPhase phase, DynoDriveMode mode) {
  double v = 0;
  for (const auto& r : trace)
    if (r.phase == phase && r.command.mode == mode)
      v = std::max(v, std::fabs(r.command.velocity_radps));
  return v;
}

TEST(DynoProtocolModes, ConcentricEffortIsIsokineticTowardsPlantarflexionThenPassiveReturn) {
  DynoTestProtocol p(one_series(series(DynoMode::kIsokineticConcentric, 2)));
  IdealDynamometer dyno;
  std::vector<DynoRep> reps;
  const auto trace = dyno.run(p, 30, &reps);
  ASSERT_EQ(p.phase(), DynoPhase::kDone);
  EXPECT_EQ(p.end_reason(), EndReason::kTargetReached);
  for (const auto& r : trace) {
    if (r.phase == DynoPhase::kEffort) {
      EXPECT_EQ(r.command.mode, DynoDriveMode::kIsokinetic);
      EXPECT_GE(r.command.velocity_radps, 0);
    }
    if (r.phase == DynoPhase::kReturn) {
      EXPECT_EQ(r.command.mode, DynoDriveMode::kPassive);
      EXPECT_LE(r.command.velocity_radps, 0);
    }
    if (r.command.mode != DynoDriveMode::kOff) {
      EXPECT_NEAR(r.command.rom_min_rad, deg_to_rad(-15), kDegTol);
      EXPECT_NEAR(r.command.rom_max_rad, deg_to_rad(35), kDegTol);
      EXPECT_EQ(r.command.torque_limit_nm, 250);
    }
  }
  EXPECT_NEAR(max_speed(trace, DynoPhase::kEffort, DynoDriveMode::kIsokinetic), deg_to_rad(60),
              kDegTol);
  ASSERT_EQ(reps.size(), 2u);
  for (const auto& rep : reps) {
    EXPECT_TRUE(rep.complete);
    EXPECT_FALSE(rep.gravity_corrected);
    EXPECT_NEAR(rad_to_deg(rep.end_angle_rad), 34.5, 0.05);  // the far end, within 0.5 deg
    // Uncorrected: 100 N m - 3 cos(angle), largest at the plantarflexion end.
    EXPECT_NEAR(rep.peak_torque_nm, 100 - 3 * std::cos(rep.angle_of_peak_rad), 1e-9);
    EXPECT_NEAR(rep.set_speed_radps, deg_to_rad(60), kDegTol);
  }
}

TEST(DynoProtocolModes, EccentricEffortIsMotorDrivenTowardsDorsiflexionWithActivation) {
  DynoTestProtocol p(one_series(series(DynoMode::kIsokineticEccentric, 2, 30)));
  IdealDynamometer dyno;
  std::vector<DynoRep> reps;
  const auto trace = dyno.run(p, 30, &reps);
  for (const auto& r : trace) {
    if (r.phase == DynoPhase::kEffort) {
      EXPECT_EQ(r.command.mode, DynoDriveMode::kReactiveEccentric);
      EXPECT_LE(r.command.velocity_radps, 0);
      EXPECT_EQ(r.command.torque_nm, 10) << "moves only while the athlete resists 10 N m";
    }
    if (r.phase == DynoPhase::kReturn) {
      EXPECT_GE(r.command.velocity_radps, 0);
    }
  }
  ASSERT_EQ(reps.size(), 2u);
  EXPECT_TRUE(reps[0].complete);
  EXPECT_NEAR(rad_to_deg(reps[0].start_angle_rad), 34.5, 0.05);
  EXPECT_NEAR(rad_to_deg(reps[0].end_angle_rad), -14.5, 0.05);
  // Against 100 N m less the footplate (-3 cos, mean over the range about -2.7) over 49 deg =
  // 0.855 rad: about 97.3 x 0.855 = 83.2 J.
  EXPECT_NEAR(reps[0].work_j, 83.2, 0.5);
}

TEST(DynoProtocolModes, IsometricHoldsTheAngleForTheHoldTime) {
  auto s = series(DynoMode::kIsometric, 2);
  s.hold_angle_rad = deg_to_rad(10);
  s.hold_s = 2.0;
  DynoTestProtocol p(one_series(s));
  IdealDynamometer dyno;
  std::vector<DynoRep> reps;
  const auto trace = dyno.run(p, 30, &reps);
  for (const auto& r : trace) {
    if (r.phase != DynoPhase::kEffort) continue;
    EXPECT_EQ(r.command.mode, DynoDriveMode::kIsometric);
    EXPECT_NEAR(r.command.angle_rad, deg_to_rad(10), kDegTol);
  }
  ASSERT_EQ(reps.size(), 2u);
  for (const auto& rep : reps) {
    EXPECT_TRUE(rep.complete);
    EXPECT_NEAR(rep.duration_s, 2.0, 0.002);
    EXPECT_NEAR(rep.mean_torque_nm, 100 - 3 * std::cos(deg_to_rad(10)), 0.05);
    // Only the last of the positioning tolerance (< 0.5 deg x 100 N m = 0.87 J) may move.
    EXPECT_LT(rep.work_j, 0.87);
  }
}

TEST(DynoProtocolModes, IsotonicTorqueRampsOnAndOffAndRepsAreCounted) {
  auto s = series(DynoMode::kIsotonic, 3);
  s.torque_nm = 40;
  DynoTestProtocol p(one_series(s));
  IdealDynamometer dyno;
  std::vector<DynoRep> reps;
  const auto trace = dyno.run(p, 30, &reps);
  ASSERT_EQ(p.phase(), DynoPhase::kDone);
  double previous = 0, highest = 0;
  for (const auto& r : trace) {
    if (r.command.mode != DynoDriveMode::kIsotonic) continue;
    EXPECT_LE(std::fabs(r.command.torque_nm - previous), 40 * 0.001 / 0.5 + 1e-9) << "a step";
    EXPECT_LE(std::fabs(r.command.velocity_radps), deg_to_rad(120) + kDegTol);
    previous = r.command.torque_nm;
    highest = std::max(highest, r.command.torque_nm);
  }
  EXPECT_EQ(highest, 40);
  EXPECT_LE(previous, 40 * 0.001 / 0.5 + 1e-9) << "unloaded by the ramp before the end";
  ASSERT_EQ(reps.size(), 3u);
  for (const auto& rep : reps) {
    EXPECT_TRUE(rep.complete);
    EXPECT_EQ(rep.mode, DynoMode::kIsotonic);
    EXPECT_GT(rep.end_angle_rad, deg_to_rad(30));
  }
}

TEST(DynoProtocolCushion, EffortSpeedFollowsTheSquareRootCushionAndStopsAtTheEnd) {
  DynoTestProtocol p(one_series(series(DynoMode::kIsokineticConcentric, 1, 180)));
  IdealDynamometer dyno;
  const auto trace = dyno.run(p, 20);
  const RangeOfMotionLimits rom;
  int checked = 0;
  for (const auto& r : trace) {
    EXPECT_LE(r.sample.angle_rad, rom.max_rad + 1e-9) << "never past the end";
    if (r.phase != DynoPhase::kEffort) continue;
    const double d = rom.max_rad - r.sample.angle_rad;
    const double expected = deg_to_rad(180) * std::min(1.0, std::sqrt(d / rom.cushion_rad));
    EXPECT_NEAR(r.command.velocity_radps, expected, 1e-9);
    if (d < rom.cushion_rad) ++checked;
  }
  EXPECT_GT(checked, 20) << "cycles inside the cushion";
}

TEST(DynoProtocolCushion, ShaftBeyondTheRangeIsReportedForAFault) {
  DynoTestProtocol p(one_series(series(DynoMode::kIsokineticConcentric, 1)));
  // Positioning may start outside the range...
  DynoSample s{0, deg_to_rad(-30), 0, 0};
  EXPECT_FALSE(p.update(s).rom_exceeded);
  for (int i = 1; i < 20000 && p.phase() != DynoPhase::kEffort; ++i) {
    s.t_s = i * 0.001;
    s.angle_rad = std::min(deg_to_rad(-15), s.angle_rad + deg_to_rad(60) * 0.001);
    EXPECT_FALSE(p.update(s).rom_exceeded);
  }
  ASSERT_EQ(p.phase(), DynoPhase::kEffort);
  // ...but 2 deg past the end during an effort is within the 3 deg tolerance, 4 deg is not.
  s.t_s += 0.001;
  s.angle_rad = deg_to_rad(37);
  EXPECT_FALSE(p.update(s).rom_exceeded);
  s.t_s += 0.001;
  s.angle_rad = deg_to_rad(39);
  EXPECT_TRUE(p.update(s).rom_exceeded);
}

TEST(DynoProtocolSpeedConfirmation, UnconfirmedMotorSpeedsNeverExceedSixtyDegreesPerSecond) {
  for (bool confirmed : {false, true}) {
    auto spec = one_series(series(DynoMode::kIsokineticEccentric, 1, 90));
    spec.return_speed_radps = deg_to_rad(120);
    spec.fast_motor_speed_confirmed = confirmed;
    DynoTestProtocol p(spec);
    IdealDynamometer dyno;
    const auto trace = dyno.run(p, 20);
    const double eccentric =
        max_speed(trace, DynoPhase::kEffort, DynoDriveMode::kReactiveEccentric);
    const double passive = max_speed(trace, DynoPhase::kReturn, DynoDriveMode::kPassive);
    EXPECT_NEAR(eccentric, deg_to_rad(confirmed ? 90 : 60), kDegTol) << confirmed;
    EXPECT_NEAR(passive, deg_to_rad(confirmed ? 120 : 60), kDegTol) << confirmed;
  }
}

TEST(DynoProtocolGravity, FootplateIsMeasuredAtRestAndSubtractedFromTheNextSeries) {
  DynoTestSpec spec;
  spec.ready_s = 0.5;
  auto g = series(DynoMode::kGravityCorrection, 0);
  spec.series[0] = g;
  spec.series[1] = series(DynoMode::kIsokineticConcentric, 1);
  spec.series_count = 2;
  DynoTestProtocol p(spec);
  IdealDynamometer dyno;
  std::vector<DynoRep> reps;
  const auto trace = dyno.run(p, 60, &reps);
  for (const auto& r : trace) {
    if (r.phase != DynoPhase::kGravity) continue;
    EXPECT_EQ(r.command.mode, DynoDriveMode::kPassive);
    EXPECT_EQ(r.command.velocity_radps, 0) << "held still while measuring";
  }
  const GravityTable& table = p.gravity(Side::kLeft);
  ASSERT_EQ(table.size(), 5);
  for (int k = 0; k < 5; ++k) {
    // Points every 12.5 deg from -15 deg; the reading there is the footplate: -3 cos(angle).
    EXPECT_NEAR(rad_to_deg(table.angle_rad(k)), -15 + 12.5 * k, 1.0);
    EXPECT_NEAR(table.torque_nm(k), -3 * std::cos(table.angle_rad(k)), 1e-9);
  }
  EXPECT_FALSE(p.gravity(Side::kRight).measured());
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_TRUE(reps[0].gravity_corrected);
  // The athlete's 100 N m, the footplate taken off within the interpolation error.
  EXPECT_NEAR(reps[0].peak_torque_nm, 100, 0.02);
  EXPECT_NEAR(reps[0].mean_torque_nm, 100, 0.02);
}

TEST(DynoProtocolStop, StopHoldsTheShaftThenReleases) {
  DynoTestProtocol p(one_series(series(DynoMode::kIsokineticConcentric, 5)));
  IdealDynamometer dyno;
  dyno.run(p, 2.0);  // positioning, ready, into the first effort
  p.request_stop();
  const auto trace = dyno.run(p, 5);
  ASSERT_FALSE(trace.empty());
  EXPECT_EQ(trace.front().command.mode, DynoDriveMode::kPassive);
  EXPECT_EQ(trace.front().command.velocity_radps, 0);
  EXPECT_EQ(trace.back().command.mode, DynoDriveMode::kOff);
  EXPECT_EQ(p.end_reason(), EndReason::kStopped);
}

TEST(DynoProtocolStop, StopBeforeTheFirstCycleEndsAtOnceWithTheMotorOff) {
  DynoTestProtocol p(one_series(series(DynoMode::kIsokineticConcentric, 5)));
  p.request_stop();
  const DynoUpdate u = p.update(DynoSample{0, 0, 0, 0});
  EXPECT_TRUE(u.finished);
  EXPECT_EQ(u.command.mode, DynoDriveMode::kOff);
  EXPECT_EQ(p.end_reason(), EndReason::kStopped);
}

TEST(DynoProtocolPresets, StandardTestIsGravityThenSlowThenFastOnEachLeg) {
  StandardTestParams params;
  const DynoTestSpec spec = standard_plantarflexion_test(params);
  ASSERT_EQ(spec.series_count, 6);
  const DynoMode g = DynoMode::kGravityCorrection, c = DynoMode::kIsokineticConcentric;
  const DynoMode modes[] = {g, c, c, g, c, c};
  const double speeds[] = {0, 60, 180, 0, 60, 180};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(spec.series[i].mode, modes[i]) << i;
    EXPECT_EQ(spec.series[i].side, i < 3 ? Side::kLeft : Side::kRight) << i;
    if (modes[i] == c) {
      EXPECT_NEAR(rad_to_deg(spec.series[i].speed_radps), speeds[i], 1e-9);
      EXPECT_EQ(spec.series[i].reps, 5);
    }
  }
}

TEST(DynoProtocolPresets, EccentricTrainingLowersThroughTheRangeInTheGivenTime) {
  EccentricTrainingParams params;
  params.lowering_s = 4.0;
  params.reps = 2;
  params.sets = 1;
  params.common.right = false;
  params.common.gravity_correction = false;
  DynoTestSpec spec = eccentric_training(params);
  spec.ready_s = 0.5;
  ASSERT_EQ(spec.series_count, 1);
  // Range 50 deg, cushion 5 deg, tolerance 0.5 deg:
  // (50 - 0.5 + 5 - 2 sqrt(2.5)) / 4 = 51.3377 / 4 = 12.8344 deg/s.
  EXPECT_NEAR(rad_to_deg(spec.series[0].speed_radps), 12.8344, 1e-4);
  DynoTestProtocol p(spec);
  IdealDynamometer dyno;
  std::vector<DynoRep> reps;
  dyno.run(p, 60, &reps);
  ASSERT_EQ(reps.size(), 2u);
  for (const auto& rep : reps) {
    EXPECT_TRUE(rep.complete);
    EXPECT_NEAR(rep.duration_s, 4.0, 0.01);
  }
}

}  // namespace
}  // namespace tempoload::protocols
