// Gravity correction of the footplate: interpolation and subtraction, hand-computed.
#include "protocols/gravity_table.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace tempoload::protocols {
namespace {

TEST(GravityTable, UnmeasuredCorrectsNothing) {
  GravityTable g;
  EXPECT_FALSE(g.measured());
  EXPECT_EQ(g.torque_at(0.3), 0);
  EXPECT_EQ(g.corrected(0.3, 42.5), 42.5);
}

TEST(GravityTable, InterpolatesLinearlyAndHoldsBeyondTheEnds) {
  GravityTable g;
  ASSERT_TRUE(g.add(deg_to_rad(-10), -4.0));
  ASSERT_TRUE(g.add(deg_to_rad(10), -2.0));
  ASSERT_TRUE(g.add(deg_to_rad(30), 1.0));
  EXPECT_FALSE(g.add(deg_to_rad(20), 0.0)) << "angles must increase";
  // 0 deg: halfway from -4 to -2 = -3; 25 deg: 3/4 from -2 to 1 = 0.25.
  EXPECT_NEAR(g.torque_at(0), -3.0, 1e-12);
  EXPECT_NEAR(g.torque_at(deg_to_rad(25)), 0.25, 1e-12);
  EXPECT_NEAR(g.torque_at(deg_to_rad(-20)), -4.0, 1e-12);
  EXPECT_NEAR(g.torque_at(deg_to_rad(40)), 1.0, 1e-12);
  // A reading of 80 N m at 0 deg is 83 N m of the athlete's.
  EXPECT_NEAR(g.corrected(0, 80), 83, 1e-12);
}

TEST(GravityTable, SubtractsACosineFootplateWithinTheInterpolationError) {
  // Footplate 2.5 kg at 0.12 m: 2.943 N m x cos(angle), measured at 5 points over -15..35 deg.
  auto plate = [](double a) { return -2.5 * 9.81 * 0.12 * std::cos(a); };
  GravityTable g;
  for (int k = 0; k < 5; ++k) {
    const double a = deg_to_rad(-15 + 12.5 * k);
    g.add(a, plate(a));
  }
  for (double deg = -15; deg <= 35; deg += 0.5) {
    const double a = deg_to_rad(deg);
    const double athlete = 60.0;
    // Chord error of cos over 12.5 deg is below 2.943 x (12.5 deg)^2 / 8 = 0.018 N m.
    EXPECT_NEAR(g.corrected(a, athlete + plate(a)), athlete, 0.018) << deg << " deg";
  }
}

}  // namespace
}  // namespace tempoload::protocols
