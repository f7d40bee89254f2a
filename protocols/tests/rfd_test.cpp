// RfdMeter: onset = baseline + max(5 SD, 10 N), RFD over 0-50/100/200 ms against hand values.
#include "protocols/rfd.hpp"

#include <gtest/gtest.h>

namespace tempoload::protocols {
namespace {

// 100 N relaxed until 0.6005 s (between samples), then F = 100 + 1e5 (t - 0.6005)^2 [N].
double force(double t) { return t <= 0.6005 ? 100.0 : 100.0 + 1e5 * (t - 0.6005) * (t - 0.6005); }

TEST(RfdMeter, QuadraticRiseAt1kHz) {
  RfdMeter m;
  for (int k = 0; k <= 1000; ++k) m.update(k / 1000.0, force(k / 1000.0));
  ASSERT_TRUE(m.onset_found());
  EXPECT_DOUBLE_EQ(m.threshold_n(), 110.0);  // SD 0: the 10 N floor
  // First sample above 110 N: 1e5 dt^2 > 10 -> dt > 10 ms: t = 0.611 s, F = 111.025 N.
  EXPECT_NEAR(m.onset_t_s(), 0.611, 1e-9);
  EXPECT_NEAR(m.onset_force_n(), 111.025, 1e-6);
  ASSERT_TRUE(m.has(0) && m.has(1) && m.has(2));
  // F(0.661) = 466.025, F(0.711) = 1321.025, F(0.811) = 4531.025 N (sample instants).
  EXPECT_NEAR(m.rfd_nps(0), (466.025 - 111.025) / 0.05, 1e-3);  // 7100 N/s
  EXPECT_NEAR(m.rfd_nps(1), (1321.025 - 111.025) / 0.1, 1e-3);  // 12100 N/s
  EXPECT_NEAR(m.rfd_nps(2), (4531.025 - 111.025) / 0.2, 1e-3);  // 22100 N/s
  EXPECT_TRUE(m.adequate_rate());
}

TEST(RfdMeter, NoisyBaselineRaisesTheThreshold) {
  RfdMeter m;
  // Baseline alternating 95/105 N: mean 100, SD ~5 -> threshold ~125 N.
  for (int k = 0; k < 500; ++k) m.update(k / 1000.0, k % 2 ? 105.0 : 95.0);
  for (int k = 500; k <= 700; ++k) m.update(k / 1000.0, 100.0 + 1000.0 * (k - 500) / 1000.0);
  ASSERT_TRUE(m.onset_found());
  EXPECT_NEAR(m.threshold_n(), 125.0, 0.1);
  EXPECT_NEAR(m.onset_t_s(), 0.526, 1e-9);  // 100 + 1000 x 0.026 = 126 N > 125.03
  EXPECT_FALSE(m.has(2));                   // the 200 ms window has not passed
}

TEST(RfdMeter, FlagsSparseSampling) {
  RfdMeter m;
  for (int k = 0; k <= 100; ++k) m.update(k / 100.0, force(k / 100.0));
  EXPECT_FALSE(m.adequate_rate());
}

}  // namespace
}  // namespace tempoload::protocols
