// Requests per caller on the remote listener: a token bucket, driven by a synthetic clock.
#include "plugin/auth/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace tempoload::plugin {
namespace {

int allowed(RateLimiter& l, const std::string& caller, int n, double t_s) {
  int ok = 0;
  for (int i = 0; i < n; ++i) ok += l.allow(caller, t_s) ? 1 : 0;
  return ok;
}

TEST(RateLimiter, BurstThenSustainedRate) {
  RateLimiter l({10.0, 20.0});                       // 10 per second, burst 20
  EXPECT_EQ(allowed(l, "coach-anna", 30, 0.0), 20);  // the burst, then refused
  EXPECT_EQ(allowed(l, "coach-anna", 30, 0.5), 5);   // 0.5 s refills 5
  EXPECT_EQ(allowed(l, "coach-anna", 30, 1.5), 10);  // 1 s refills 10
}

TEST(RateLimiter, CallersHaveTheirOwnBuckets) {
  RateLimiter l({1.0, 3.0});
  EXPECT_EQ(allowed(l, "coach-anna", 10, 0.0), 3);
  EXPECT_EQ(allowed(l, "operator-olli", 10, 0.0), 3);  // anna's spree costs olli nothing
}

TEST(RateLimiter, QuietCallerRefillsOnlyUpToTheBurst) {
  RateLimiter l({5.0, 4.0});
  EXPECT_EQ(allowed(l, "a", 4, 0.0), 4);
  EXPECT_EQ(allowed(l, "a", 100, 3600.0), 4);  // an hour later: the burst, not 18000
}

TEST(RateLimiter, ClockGoingBackwardsGrantsNothingExtra) {
  RateLimiter l({1.0, 2.0});
  EXPECT_EQ(allowed(l, "a", 5, 10.0), 2);
  EXPECT_EQ(allowed(l, "a", 5, 5.0), 0);
  EXPECT_EQ(allowed(l, "a", 5, 11.0), 1);
}

TEST(RateLimiter, ManyCallersAreBoundedAndFullBucketsForgotten) {
  RateLimiter l({1.0, 1.0});
  for (std::size_t i = 0; i < RateLimiter::kMaxCallers + 100; ++i)
    EXPECT_TRUE(l.allow("caller-" + std::to_string(i), 100.0 + static_cast<double>(i)));
  // A caller that has just spent its token is still limited after the sweep.
  EXPECT_FALSE(l.allow("caller-" + std::to_string(RateLimiter::kMaxCallers + 99),
                       100.0 + RateLimiter::kMaxCallers + 99));
}

}  // namespace
}  // namespace tempoload::plugin
