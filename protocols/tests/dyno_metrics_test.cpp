// Series metrics and the bilateral deficit against hand-computed values.
#include "protocols/dyno_metrics.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tempoload::protocols {
namespace {

DynoRep rep(double peak, double angle_deg, double work, double duration, bool complete = true) {
  DynoRep r;
  r.complete = complete;
  r.peak_torque_nm = peak;
  r.angle_of_peak_rad = deg_to_rad(angle_deg);
  r.work_j = work;
  r.duration_s = duration;
  r.set_angle_count = 1;
  r.angle_reached[0] = true;
  r.torque_at_angle_nm[0] = peak - 10;
  return r;
}

TEST(CoefficientOfVariation, SampleStandardDeviationOverMean) {
  // 90, 100, 110: mean 100, sample SD = sqrt((100 + 0 + 100) / 2) = 10 -> CV 10%.
  const std::vector<double> v{90, 100, 110};
  EXPECT_NEAR(coefficient_of_variation_pct(v), 10.0, 1e-12);
  EXPECT_EQ(coefficient_of_variation_pct(std::vector<double>{100}), 0);
}

TEST(FatigueIndex, FirstVersusLastThirdOfTheReps) {
  // 6 reps: k = 2; first = 50 + 48 = 98, last = 40 + 38 = 78 -> (98 - 78) / 98 = 20.408%.
  const std::vector<double> w{50, 48, 45, 42, 40, 38};
  ASSERT_TRUE(fatigue_index_pct(w).has_value());
  EXPECT_NEAR(*fatigue_index_pct(w), 20.0 / 98.0 * 100.0, 1e-12);
  // 5 reps: k = 1; rep 1 vs rep 5: (50 - 40) / 50 = 20%.
  EXPECT_NEAR(*fatigue_index_pct(std::vector<double>{50, 48, 45, 42, 40}), 20.0, 1e-12);
  EXPECT_FALSE(fatigue_index_pct(std::vector<double>{50, 48}).has_value());
}

TEST(BilateralDeficit, WeakerAgainstStrongerOrInvolvedAgainstUninvolved) {
  // Left 80, right 100: (100 - 80) / 100 = 20%, the left leg weaker.
  auto d = bilateral_deficit(80, 100, std::nullopt);
  EXPECT_NEAR(d.deficit_pct, 20.0, 1e-12);
  EXPECT_EQ(d.weaker, Side::kLeft);
  // Involved right leg at 100 against the uninvolved left at 80: (80 - 100) / 80 = -25%.
  d = bilateral_deficit(80, 100, Side::kRight);
  EXPECT_NEAR(d.deficit_pct, -25.0, 1e-12);
  d = bilateral_deficit(100, 80, Side::kRight);
  EXPECT_NEAR(d.deficit_pct, 20.0, 1e-12);
  EXPECT_EQ(d.weaker, Side::kRight);
}

TEST(SeriesMetrics, PeakPowerFatigueAndVariationOverCompleteReps) {
  const std::vector<DynoRep> reps{rep(100, 5, 40, 0.8),
                                  rep(110, 0, 38, 0.8),
                                  rep(500, 20, 1, 0.1, /*complete=*/false),  // ignored
                                  rep(90, 10, 36, 0.9),
                                  rep(100, 5, 34, 0.9),
                                  rep(100, 5, 32, 1.0)};
  const SeriesMetrics m = series_metrics(reps, 80.0);
  EXPECT_EQ(m.reps_measured, 5);
  EXPECT_DOUBLE_EQ(m.peak_torque_nm, 110);
  EXPECT_NEAR(m.angle_of_peak_rad, 0, 1e-12);
  // 110 N m / 80 kg = 1.375 N m/kg.
  EXPECT_NEAR(m.peak_torque_per_kg, 1.375, 1e-12);
  // Work 40 + 38 + 36 + 34 + 32 = 180 J over 0.8 + 0.8 + 0.9 + 0.9 + 1.0 = 4.4 s = 40.909 W.
  EXPECT_NEAR(m.total_work_j, 180, 1e-12);
  EXPECT_NEAR(m.average_power_w, 180 / 4.4, 1e-12);
  EXPECT_NEAR(m.max_rep_work_j, 40, 1e-12);
  // Peaks 100, 110, 90, 100, 100: mean 100, SD = sqrt((0 + 100 + 100 + 0 + 0) / 4) = 7.071 ->
  // CV 7.071%.
  EXPECT_NEAR(m.mean_peak_torque_nm, 100, 1e-12);
  EXPECT_NEAR(m.cv_peak_torque_pct, 7.0710678, 1e-6);
  // 5 reps: rep 1 (40 J) vs rep 5 (32 J): 20%.
  ASSERT_TRUE(m.fatigue_pct.has_value());
  EXPECT_NEAR(*m.fatigue_pct, 20.0, 1e-12);
  // Torque at the set angle: mean of (peak - 10) = 90.
  EXPECT_EQ(m.reps_at_angle[0], 5);
  EXPECT_NEAR(m.torque_at_angle_nm[0], 90, 1e-12);
}

}  // namespace
}  // namespace tempoload::protocols
