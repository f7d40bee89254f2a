// IsometricHoldProtocol: time in the force band, counted holds, rest released, missed holds.
#include "protocols/isometric_hold.hpp"

#include <gtest/gtest.h>

namespace tempoload::protocols {
namespace {

MotionSample with_force(double t, double total_n) {
  MotionSample s;
  s.t_s = t;
  s.position_m = 0.22;
  s.force_left_n = total_n / 2;
  s.force_right_n = total_n / 2;
  return s;
}

IsometricSpec spec() {
  IsometricSpec s;
  s.holds = 2;
  s.hold_s = 10;
  s.rest_s = 20;
  s.mvic_n = 1000;  // target 700 N, band [630, 770] N
  s.start_timeout_s = 30;
  s.position_m = 0.22;
  return s;
}

TEST(IsometricHold, TimeInBandCountsAndTheRestReleases) {
  IsometricHoldProtocol p(spec());
  EXPECT_DOUBLE_EQ(p.target_n(), 700.0);
  EXPECT_DOUBLE_EQ(p.band_low_n(), 630.0);
  EXPECT_DOUBLE_EQ(p.band_high_n(), 770.0);
  std::vector<HoldResult> holds;
  bool finished = false;
  for (int k = 0; k <= 7000 && !finished; ++k) {
    const double t = k / 100.0;
    // Hold 1: 700 N from 1 s, 800 N (above the band) over [5, 7) s. Later: 500 N (below).
    double f = 0;
    if (t >= 1 && t < 11) f = (t >= 5 && t < 7) ? 800 : 700;
    if (t >= 11) f = 500;
    const HoldUpdate u = p.update(with_force(t, f));
    if (u.hold_finished) holds.push_back(p.last_hold());
    finished = u.finished;
    if (p.stage() == HoldStage::kRest) {
      ASSERT_FALSE(u.command.hold_position) << t;
    } else if (!finished) {
      ASSERT_TRUE(u.command.hold_position) << t;
      ASSERT_DOUBLE_EQ(u.command.position_m, 0.22);
    }
  }
  ASSERT_TRUE(finished);
  ASSERT_EQ(holds.size(), 2u);
  EXPECT_TRUE(holds[0].started);
  EXPECT_NEAR(holds[0].time_in_band_s, 8.0, 1e-6);
  EXPECT_NEAR(holds[0].time_above_s, 2.0, 1e-6);
  EXPECT_NEAR(holds[0].in_band_fraction, 0.8, 1e-6);
  EXPECT_TRUE(holds[0].counted);                    // 80% in band: the default minimum
  EXPECT_NEAR(holds[0].mean_force_n, 720.0, 1e-6);  // (8 x 700 + 2 x 800) / 10
  EXPECT_DOUBLE_EQ(holds[0].peak_force_n, 800.0);
  // Hold 2 never reached the band: missed after the 30 s start timeout.
  EXPECT_FALSE(holds[1].started);
  EXPECT_FALSE(holds[1].counted);
  EXPECT_EQ(p.holds_counted(), 1);
}

TEST(IsometricHold, BelowTheBandDoesNotCount) {
  IsometricSpec s = spec();
  s.holds = 1;
  IsometricHoldProtocol p(s);
  // Reaches 650 N (in band) then sags to 600 N (below) from 4 s: 3 s in band of 10.
  for (int k = 0; k <= 1200; ++k) {
    const double t = k / 100.0;
    p.update(with_force(t, t < 1 ? 0 : (t < 4 ? 650 : 600)));
  }
  EXPECT_EQ(p.holds_done(), 1);
  EXPECT_NEAR(p.last_hold().time_in_band_s, 3.0, 1e-6);
  EXPECT_NEAR(p.last_hold().time_below_s, 7.0, 1e-6);
  EXPECT_FALSE(p.last_hold().counted);
}

TEST(IsometricHold, NoMvicNoHolds) {
  IsometricSpec s = spec();
  s.mvic_n = 0;
  IsometricHoldProtocol p(s);
  EXPECT_EQ(p.stage(), HoldStage::kDone);
  EXPECT_TRUE(p.update(with_force(0, 0)).finished);
}

}  // namespace
}  // namespace tempoload::protocols
