// The range-of-motion cushion against hand-computed speeds.
#include "protocols/rom_cushion.hpp"

#include <gtest/gtest.h>

namespace tempoload::protocols {
namespace {

constexpr double kTol = 1e-9;

RangeOfMotionLimits rom() { return {deg_to_rad(-15), deg_to_rad(35), deg_to_rad(5)}; }

TEST(RomCushion, FullSpeedOutsideTheCushionAndSquareRootInside) {
  const double v = deg_to_rad(60);
  const double c = deg_to_rad(5);
  EXPECT_NEAR(cushioned_speed(v, deg_to_rad(10), c), v, kTol);
  EXPECT_NEAR(cushioned_speed(v, c, c), v, kTol);
  // d = 1.25 deg of a 5 deg cushion: 60 x sqrt(0.25) = 30 deg/s.
  EXPECT_NEAR(cushioned_speed(v, deg_to_rad(1.25), c), deg_to_rad(30), kTol);
  // d = 0.2 deg: 60 x sqrt(0.04) = 12 deg/s.
  EXPECT_NEAR(cushioned_speed(v, deg_to_rad(0.2), c), deg_to_rad(12), kTol);
  EXPECT_EQ(cushioned_speed(v, 0, c), 0);
  EXPECT_EQ(cushioned_speed(v, -deg_to_rad(1), c), 0) << "never further past the end";
}

TEST(RomCushion, CapDependsOnTheEndBeingApproached) {
  const double v = deg_to_rad(180);
  // 33.75 deg: 1.25 deg before the plantarflexion end -> 180 x 0.5 = 90 deg/s towards it...
  EXPECT_NEAR(capped_speed(deg_to_rad(33.75), +1, v, rom()), deg_to_rad(90), kTol);
  // ...and full speed away from it.
  EXPECT_NEAR(capped_speed(deg_to_rad(33.75), -1, v, rom()), v, kTol);
  EXPECT_EQ(capped_speed(deg_to_rad(36), +1, v, rom()), 0);
  EXPECT_EQ(capped_speed(deg_to_rad(-15), -1, v, rom()), 0);
}

TEST(RomCushion, SpeedTowardsATargetDeceleratesAndStopsWithinTolerance) {
  const double v = deg_to_rad(60), tol = deg_to_rad(1);
  EXPECT_NEAR(speed_towards(0, deg_to_rad(20), v, rom(), tol), v, kTol);
  EXPECT_NEAR(speed_towards(deg_to_rad(20), 0, v, rom(), tol), -v, kTol);
  // 1.25 deg before the target: half speed, as at an end.
  EXPECT_NEAR(speed_towards(deg_to_rad(18.75), deg_to_rad(20), v, rom(), tol), deg_to_rad(30),
              kTol);
  EXPECT_EQ(speed_towards(deg_to_rad(19.5), deg_to_rad(20), v, rom(), tol), 0);
}

TEST(RomCushion, AShaftOutsideTheRangeMayComeBackIn) {
  const double v = deg_to_rad(60), tol = deg_to_rad(1);
  // At -30 deg, 15 deg below the range: back in at full speed.
  EXPECT_NEAR(speed_towards(deg_to_rad(-30), deg_to_rad(-15), v, rom(), tol), v, kTol);
}

}  // namespace
}  // namespace tempoload::protocols
