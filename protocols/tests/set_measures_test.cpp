// Impulse, work, symmetry (formula named), fatigue and CV: per rep from the tracker and per set.
#include "protocols/set_measures.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "protocols/tests/tracker_feed.hpp"

namespace tempoload::protocols {
namespace {

using test_support::feed;
using test_support::test_rom;

TEST(RepWorkAndImpulse, ConstantForcesOverACleanRep) {
  TempoTracker tracker(SetSpec{}, test_rom());
  const auto reps = feed(tracker, test_support::clean_rep().sample(test_rom(), 1000));
  ASSERT_EQ(reps.size(), 1u);
  const RepMetrics& r = reps[0];
  // Plates at 400 N and 600 N; the platform rises and falls 8 cm: 32 J and 48 J each way.
  EXPECT_NEAR(r.work_concentric_left_j, 400 * 0.08, 400 * 0.08 * 0.01);
  EXPECT_NEAR(r.work_concentric_right_j, 600 * 0.08, 600 * 0.08 * 0.01);
  EXPECT_NEAR(r.work_eccentric_left_j, 400 * 0.08, 400 * 0.08 * 0.01);
  EXPECT_NEAR(r.work_eccentric_right_j, 600 * 0.08, 600 * 0.08 * 0.01);
  // Impulse = F x time under tension (the rep's span, start to end).
  EXPECT_NEAR(r.impulse_left_ns, 400 * (r.end_t_s - r.start_t_s), 1.0);
  EXPECT_NEAR(r.impulse_right_ns, 600 * (r.end_t_s - r.start_t_s), 1.0);
  EXPECT_NEAR(rep_work_j(r), 160.0, 1.6);
}

RepMetrics rep_with(double work_left_j, double work_right_j, double mean_l, double mean_r) {
  RepMetrics r;
  r.work_concentric_left_j = r.work_eccentric_left_j = work_left_j / 2;
  r.work_concentric_right_j = r.work_eccentric_right_j = work_right_j / 2;
  r.mean_force_left_n = mean_l;
  r.mean_force_right_n = mean_r;
  r.peak_force_left_n = mean_l * 1.2;
  r.peak_force_right_n = mean_r * 1.2;
  r.impulse_left_ns = mean_l * 7;
  r.impulse_right_ns = mean_r * 7;
  return r;
}

TEST(SetMeasures, SumsSymmetryFatigueAndCv) {
  // Total work per rep 100, 100, 90, 90, 80, 80 J, split 40/60 left/right.
  std::vector<RepMetrics> reps;
  for (double w : {100.0, 100.0, 90.0, 90.0, 80.0, 80.0})
    reps.push_back(rep_with(0.4 * w, 0.6 * w, 400, 600));
  const SetMeasures m = set_measures(reps, Side::kLeft);
  EXPECT_EQ(m.reps, 6);
  EXPECT_NEAR(m.work_left_j, 216.0, 1e-9);
  EXPECT_NEAR(m.work_right_j, 324.0, 1e-9);
  EXPECT_NEAR(m.impulse_left_ns, 6 * 2800.0, 1e-9);
  // SI = (324 - 216) / 270 x 100 = 40%; LSI (left involved) = 216 / 324 x 100 = 66.7%.
  EXPECT_NEAR(m.si_work.value_pct, 40.0, 1e-9);
  EXPECT_EQ(m.si_work.formula, "SI = (R - L) / (0.5 (R + L)) x 100");
  EXPECT_EQ(m.si_work.metric, "work");
  ASSERT_TRUE(m.lsi_work.has_value());
  EXPECT_NEAR(m.lsi_work->value_pct, 66.6667, 1e-3);
  EXPECT_EQ(m.lsi_work->formula, "LSI = involved / uninvolved x 100");
  EXPECT_NEAR(m.lsi_mean_force->value_pct, 66.6667, 1e-3);
  EXPECT_NEAR(m.si_mean_force.value_pct, 40.0, 1e-9);
  // Fatigue: first two 200 J, last two 160 J: 20%. CV: mean 90, sample SD sqrt(400/5) = 8.944.
  ASSERT_TRUE(m.fatigue_pct.has_value());
  EXPECT_NEAR(*m.fatigue_pct, 20.0, 1e-9);
  EXPECT_NEAR(m.cv_work_pct, 8.94427 / 90 * 100, 1e-3);
  EXPECT_NEAR(m.cv_peak_force_pct, 0.0, 1e-9);  // same peaks every rep
}

TEST(SetMeasures, TooFewRepsForFatigueAndNoInvolvedLeg) {
  std::vector<RepMetrics> reps = {rep_with(50, 50, 500, 500), rep_with(40, 40, 500, 500)};
  const SetMeasures m = set_measures(reps);
  EXPECT_FALSE(m.fatigue_pct.has_value());
  EXPECT_FALSE(m.lsi_work.has_value());
  EXPECT_NEAR(m.si_work.value_pct, 0.0, 1e-12);
}

}  // namespace
}  // namespace tempoload::protocols
