#include <gtest/gtest.h>

#include "plugin/report/reporter.hpp"

namespace tempoload::plugin {
namespace {

TEST(ReporterBackoff, DoublesFromTheMinimumUpToTheCapThenScalesByJitter) {
  EXPECT_DOUBLE_EQ(backoff_delay_s(1, 0.5, 300, 1.0), 0.5);
  EXPECT_DOUBLE_EQ(backoff_delay_s(2, 0.5, 300, 1.0), 1.0);
  EXPECT_DOUBLE_EQ(backoff_delay_s(5, 0.5, 300, 1.0), 8.0);
  EXPECT_DOUBLE_EQ(backoff_delay_s(30, 0.5, 300, 1.0), 300.0);
  EXPECT_DOUBLE_EQ(backoff_delay_s(30, 0.5, 300, 0.5), 150.0);
  EXPECT_DOUBLE_EQ(backoff_delay_s(2, 0.5, 300, 0.1), 0.5) << "jitter is clamped to [0.5, 1]";
}

}  // namespace
}  // namespace tempoload::plugin
