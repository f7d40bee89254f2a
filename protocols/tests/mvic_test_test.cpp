// MvicTest: best 1 s moving mean over the efforts (a spike does not inflate it), peak, RFD.
#include "protocols/mvic_test.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace tempoload::protocols {
namespace {

MotionSample right_leg(double t, double f) {
  MotionSample s;
  s.t_s = t;
  s.force_right_n = f;
  return s;
}

// Effort 1 at 2-7 s: 100 N, a triangle to 2100 N peaking at 4 s (3-5 s). Rest 7-17 s, ready
// 17-19 s, effort 2 at 19-24 s: 1200 N over [20, 23) s with a 1 ms spike of 5000 N at 21.5 s.
double force(double t) {
  if (t >= 2 && t < 7) return 100 + 2000 * std::max(0.0, 1 - std::abs(t - 4));
  if (t >= 20 && t < 23) return std::abs(t - 21.5) < 0.0005 ? 5000 : 1200;
  return 100;
}

TEST(MvicTest, BestMovingMeanOverEfforts) {
  MvicSpec spec;
  spec.efforts = 2;
  spec.rest_s = 10;
  spec.legs = Legs::kRight;
  MvicTest test(spec);
  std::vector<MvicEffort> efforts;
  bool finished = false;
  for (int k = 0; k <= 30000 && !finished; ++k) {
    const double t = k / 1000.0;
    const MvicUpdate u = test.update(right_leg(t, force(t)));
    if (u.effort_finished) efforts.push_back(test.last_effort());
    finished = u.finished;
  }
  ASSERT_TRUE(finished);
  ASSERT_EQ(efforts.size(), 2u);
  // Triangle: the 1 s window centred on the peak holds 2000 - 2 x 250 N s above 100 N: 1600 N.
  EXPECT_NEAR(efforts[0].best_window_mean_n, 1600.0, 2.0);
  EXPECT_NEAR(efforts[0].peak_n, 2100.0, 1.0);
  EXPECT_TRUE(efforts[0].rfd_valid);
  EXPECT_NEAR(efforts[0].rfd_nps[0], 2000.0, 1.0);  // a linear rise of 2000 N/s
  // Plateau 1200 N plus the spike's 5 N s spread over 1 s: ~1203.8 N; the peak shows the spike.
  EXPECT_NEAR(efforts[1].best_window_mean_n, 1203.8, 2.0);
  EXPECT_DOUBLE_EQ(efforts[1].peak_n, 5000.0);
  EXPECT_NEAR(test.mvic_n(), 1600.0, 2.0);
  EXPECT_EQ(test.best_effort(), 1);
}

TEST(MvicTest, ReleasedDuringRest) {
  MvicSpec spec;
  spec.efforts = 2;
  spec.rest_s = 10;
  MvicTest test(spec);
  for (int k = 0; k <= 8000; ++k) {
    const MvicUpdate u = test.update(right_leg(k / 1000.0, 100));
    if (k == 1000) {
      EXPECT_TRUE(u.command.hold_position);
    }
    if (k == 8000) {
      EXPECT_EQ(test.stage(), MvicStage::kRest);
      EXPECT_FALSE(u.command.hold_position);
    }
  }
}

}  // namespace
}  // namespace tempoload::protocols
