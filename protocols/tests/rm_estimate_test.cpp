// 1RM estimates and their inverses against hand-computed values; refusals outside the range.
#include "protocols/rm_estimate.hpp"

#include <gtest/gtest.h>

namespace tempoload::protocols {
namespace {

TEST(Estimate1Rm, SixRepsAt1000N) {
  // 1000 (1 + 6/30) = 1200; 1000 x 36/31 = 1161.29; 1000 x 6^0.1 = 1196.23.
  EXPECT_NEAR(estimate_1rm(1000, 6, RmFormula::kEpley).load_n, 1200.0, 1e-9);
  EXPECT_NEAR(estimate_1rm(1000, 6, RmFormula::kBrzycki).load_n, 1161.2903, 1e-3);
  EXPECT_NEAR(estimate_1rm(1000, 6, RmFormula::kLombardi).load_n, 1196.2312, 1e-3);
  EXPECT_EQ(estimate_1rm(1000, 6, RmFormula::kBrzycki).formula_text,
            "Brzycki: 1RM = w x 36 / (37 - r)");
}

TEST(Estimate1Rm, AppliedLiterallyAtOneRep) {
  EXPECT_NEAR(estimate_1rm(1000, 1, RmFormula::kEpley).load_n, 1033.333, 1e-3);
  EXPECT_NEAR(estimate_1rm(1000, 1, RmFormula::kBrzycki).load_n, 1000.0, 1e-9);
  EXPECT_NEAR(estimate_1rm(1000, 1, RmFormula::kLombardi).load_n, 1000.0, 1e-9);
}

TEST(Estimate1Rm, RefusedOutsideItsRange) {
  const RmResult high = estimate_1rm(1000, 12, RmFormula::kEpley);
  EXPECT_FALSE(high.valid);
  EXPECT_EQ(high.refusal, "reps: 12 is outside [1, 10] where Epley is used");
  EXPECT_FALSE(estimate_1rm(1000, 0, RmFormula::kLombardi).valid);
  EXPECT_EQ(estimate_1rm(0, 5, RmFormula::kEpley).refusal, "load_n: must be positive");
  // A caller may accept 15 reps explicitly; Brzycki stays capped at 36.
  EXPECT_TRUE(estimate_1rm(1000, 15, RmFormula::kEpley, 15).valid);
  EXPECT_FALSE(estimate_1rm(1000, 37, RmFormula::kBrzycki, 50).valid);
}

TEST(LoadForRm, InversesAgainstHandValues) {
  // 10RM from a 1200 N 1RM: 1200 / (1 + 10/30) = 900; 1200 x 27/36 = 900; 1200 / 10^0.1 = 953.19.
  EXPECT_NEAR(load_for_rm(1200, 10, RmFormula::kEpley).load_n, 900.0, 1e-9);
  EXPECT_NEAR(load_for_rm(1200, 10, RmFormula::kBrzycki).load_n, 900.0, 1e-9);
  EXPECT_NEAR(load_for_rm(1200, 10, RmFormula::kLombardi).load_n, 953.1939, 1e-3);
  for (RmFormula f : {RmFormula::kEpley, RmFormula::kBrzycki, RmFormula::kLombardi}) {
    const double one_rm = estimate_1rm(870, 7, f).load_n;
    EXPECT_NEAR(load_for_rm(one_rm, 7, f).load_n, 870.0, 1e-9) << to_string(f);
  }
}

TEST(NscaTable, ListedAndInterpolated) {
  EXPECT_DOUBLE_EQ(nsca_percent_1rm(3), 93);
  EXPECT_DOUBLE_EQ(nsca_percent_1rm(6), 85);
  EXPECT_DOUBLE_EQ(nsca_percent_1rm(15), 65);
  EXPECT_DOUBLE_EQ(nsca_percent_1rm(7), 82.5);  // half way between 85 and 80
  EXPECT_DOUBLE_EQ(nsca_percent_1rm(16), 0);
}

}  // namespace
}  // namespace tempoload::protocols
