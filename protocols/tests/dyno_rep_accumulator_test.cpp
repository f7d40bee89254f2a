// One rep's metrics against values computed by hand from a five-sample stream.
#include "protocols/dyno_rep_accumulator.hpp"

#include <gtest/gtest.h>

namespace tempoload::protocols {
namespace {

// t [s], angle [deg], torque [N m]:
//   0.0  -10   40
//   0.1    0   80
//   0.2   10  100
//   0.3   20   60
//   0.4   30   20
class DynoRepAccumulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DynoRep id;
    id.series = 2;
    id.index = 3;
    id.side = Side::kRight;
    const double angles[] = {deg_to_rad(5), deg_to_rad(25), deg_to_rad(40)};
    acc_.begin(id, angles, 3);
    const double t[] = {0.0, 0.1, 0.2, 0.3, 0.4};
    const double a[] = {-10, 0, 10, 20, 30};
    const double tq[] = {40, 80, 100, 60, 20};
    for (int i = 0; i < 5; ++i) acc_.add(10 + t[i], deg_to_rad(a[i]), tq[i]);
    rep_ = acc_.finish(true);
  }
  DynoRepAccumulator acc_;
  DynoRep rep_;
};

TEST_F(DynoRepAccumulatorTest, PeakAndItsAngleAndTime) {
  EXPECT_EQ(rep_.series, 2);
  EXPECT_EQ(rep_.index, 3);
  EXPECT_EQ(rep_.side, Side::kRight);
  EXPECT_TRUE(rep_.complete);
  EXPECT_DOUBLE_EQ(rep_.peak_torque_nm, 100);
  EXPECT_NEAR(rep_.angle_of_peak_rad, deg_to_rad(10), 1e-12);
  EXPECT_NEAR(rep_.time_to_peak_s, 0.2, 1e-9);
  EXPECT_NEAR(rep_.duration_s, 0.4, 1e-9);
  EXPECT_NEAR(rep_.start_angle_rad, deg_to_rad(-10), 1e-12);
  EXPECT_NEAR(rep_.end_angle_rad, deg_to_rad(30), 1e-12);
}

TEST_F(DynoRepAccumulatorTest, WorkIsTheTrapezoidAreaUnderTorqueAngle) {
  // (40+80)/2 + (80+100)/2 + (100+60)/2 + (60+20)/2 = 60 + 90 + 80 + 40 = 270 N m per 10 deg.
  // 10 deg = 0.174533 rad: work = 270 x 0.174533 = 47.124 J.
  EXPECT_NEAR(rep_.work_j, 270 * deg_to_rad(10), 1e-9);
  EXPECT_NEAR(rep_.work_j, 47.1239, 1e-4);
  // Mean torque = 270 x 0.1 s / 0.4 s = 67.5 N m; power = 47.124 J / 0.4 s = 117.81 W.
  EXPECT_NEAR(rep_.mean_torque_nm, 67.5, 1e-9);
  EXPECT_NEAR(rep_.average_power_w, 117.8097, 1e-4);
}

TEST_F(DynoRepAccumulatorTest, TorqueAtSetAnglesIsInterpolatedAndUnreachedAnglesAreMarked) {
  ASSERT_EQ(rep_.set_angle_count, 3);
  // 5 deg: halfway between 80 (0 deg) and 100 (10 deg) = 90; 25 deg: halfway 60..20 = 40.
  EXPECT_TRUE(rep_.angle_reached[0]);
  EXPECT_NEAR(rep_.torque_at_angle_nm[0], 90, 1e-9);
  EXPECT_TRUE(rep_.angle_reached[1]);
  EXPECT_NEAR(rep_.torque_at_angle_nm[1], 40, 1e-9);
  EXPECT_FALSE(rep_.angle_reached[2]) << "40 deg lies beyond the rep's range";
}

TEST(DynoRepAccumulatorLoadRange, PeakComesFromTheLoadRangeWhenThereIsOne) {
  DynoRepAccumulator acc;
  acc.begin(DynoRep{}, nullptr, 0);
  acc.add(0.0, deg_to_rad(0), 50, true);
  acc.add(0.1, deg_to_rad(10), 70, true);   // the load range's peak
  acc.add(0.2, deg_to_rad(20), 90, false);  // decelerating at the end: higher, not the peak
  const DynoRep r = acc.finish(true);
  EXPECT_DOUBLE_EQ(r.peak_torque_nm, 70);
  EXPECT_NEAR(r.angle_of_peak_rad, deg_to_rad(10), 1e-12);
  EXPECT_NEAR(r.time_to_peak_s, 0.1, 1e-12);
  // Work still spans the whole movement: (50+70)/2 + (70+90)/2 = 140 N m per 10 deg.
  EXPECT_NEAR(r.work_j, 140 * deg_to_rad(10), 1e-9);
}

TEST(DynoRepAccumulatorEccentric, WorkIsPositiveWhenTheAngleDecreases) {
  DynoRepAccumulator acc;
  acc.begin(DynoRep{}, nullptr, 0);
  acc.add(0, deg_to_rad(30), 100);
  acc.add(1, deg_to_rad(20), 100);  // lowering against 100 N m: 100 x 0.1745 = 17.45 J
  EXPECT_NEAR(acc.finish(true).work_j, 100 * deg_to_rad(10), 1e-9);
}

}  // namespace
}  // namespace tempoload::protocols
