// RmTest: the load ladder's steps (safe increments, limits) and each way the test ends.
#include "protocols/rm_test.hpp"

#include <gtest/gtest.h>

namespace tempoload::protocols {
namespace {

RmTestSpec spec6(double estimate = 1000, double max_load = 3000) {
  RmTestSpec s;
  s.target_rm = 6;
  s.estimated_load_n = estimate;
  s.max_load_n = max_load;
  return s;
}

TEST(RmTestLadder, StepsTowardsTheEpleyEstimateThenFinds) {
  RmTest t(spec6());
  EXPECT_DOUBLE_EQ(t.next_load_n(), 800.0);  // 0.8 x 1000
  EXPECT_DOUBLE_EQ(t.rest_before_next_s(), 0.0);
  t.record(10);
  // Estimate 800 x (1 + 10/30) / (1 + 6/30) = 888.9, capped at +10%: 880.
  EXPECT_NEAR(t.next_load_n(), 880.0, 1e-9);
  EXPECT_DOUBLE_EQ(t.rest_before_next_s(), 180.0);
  t.record(8);
  // 880 x (1 + 8/30) / 1.2 = 928.89, inside [+2%, +10%].
  EXPECT_NEAR(t.next_load_n(), 928.889, 1e-3);
  t.record(6);
  ASSERT_TRUE(t.done());
  EXPECT_TRUE(t.result().found);
  EXPECT_NEAR(t.result().load_n, 928.889, 1e-3);
  EXPECT_EQ(t.result().attempts, 3);
}

TEST(RmTestLadder, OvershootFallsBackToTheHeaviestLoadThatReachedTheTarget) {
  RmTest t(spec6());
  t.record(10);  // 800 N reached 6
  t.record(4);   // 880 N did not
  ASSERT_TRUE(t.done());
  EXPECT_TRUE(t.result().found);
  EXPECT_DOUBLE_EQ(t.result().load_n, 800.0);
}

TEST(RmTestLadder, NeverMoreThanTheSafeStepNorTheLimit) {
  RmTest t(spec6(3000, 2500));
  EXPECT_DOUBLE_EQ(t.next_load_n(), 2400.0);
  t.record(15);  // estimate 3000; +10% = 2640; +150 N = 2550; limit 2500
  EXPECT_DOUBLE_EQ(t.next_load_n(), 2500.0);
  t.record(8);  // still more than 6 at the limit
  ASSERT_TRUE(t.done());
  EXPECT_FALSE(t.result().found);
  EXPECT_EQ(t.result().how(), "8 reps at 2500 N: the limit 2500 N is below the target load");
}

TEST(RmTestLadder, TooHeavyStepsDownAndAttemptsRunOut) {
  RmTestSpec s = spec6();
  s.max_attempts = 2;
  RmTest t(s);
  t.record(3);  // 800 x 1.1 / 1.2 = 733.3, inside [-10%, -2%]
  EXPECT_NEAR(t.next_load_n(), 733.333, 1e-3);
  t.record(4);
  ASSERT_TRUE(t.done());
  EXPECT_FALSE(t.result().found);
  EXPECT_NEAR(t.result().load_n, 733.333 * (1 + 4 / 30.0) / 1.2, 1e-3);  // 692.6
}

TEST(RmTestLadder, RefusesWithoutAnEstimate) {
  RmTest t(spec6(0));
  EXPECT_TRUE(t.done());
  EXPECT_FALSE(t.result().found);
}

}  // namespace
}  // namespace tempoload::protocols
