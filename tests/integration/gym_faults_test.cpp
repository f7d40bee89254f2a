// A gym server that answers 500, 429 (Retry-After), garbage or closes the connection, and a
// report delivered twice. Real processes on loopback; the gym server ends with every session
// once.
#include <gtest/gtest.h>

#include "plugin/storage/session_store.hpp"
#include "tests/integration/delivery_stack.hpp"

namespace tempoload::testing {
namespace {

using std::chrono::seconds;

class MisbehavingGym : public ::testing::TestWithParam<const char*> {};

TEST_P(MisbehavingGym, EverySessionArrivesOnce) {
  DeliveryStack stack;
  seed_finished_sessions(stack.plugin_db(), 4);
  ASSERT_TRUE(stack.start_gym({"--fail-mode", GetParam(), "--fail-count", "4"})) << stack.logs();
  ASSERT_TRUE(stack.start_plugin({"--report-concurrency", "2"})) << stack.logs();
  ASSERT_TRUE(
      wait_until([&] { return outbox_counts(stack.plugin_db()).delivered == 4; }, seconds(30)))
      << stack.logs();
  const auto counts = outbox_counts(stack.plugin_db());
  EXPECT_GE(counts.max_attempts, 2) << "the injected failures were retried";
  EXPECT_EQ(counts.rejected, 0);
  int matched = 0;
  EXPECT_EQ(compare_gym_with_plugin(stack.plugin_db(), stack.gym_url(), &matched), "");
  EXPECT_EQ(matched, 4);
}

INSTANTIATE_TEST_SUITE_P(FaultModes, MisbehavingGym,
                         ::testing::Values("500", "429", "garbage", "close"),
                         [](const auto& info) { return std::string("fail_") + info.param; });

TEST(DuplicateDelivery, AReportSentAgainIsRecognisedAndStoredOnce) {
  DeliveryStack stack;
  const auto ids = seed_finished_sessions(stack.plugin_db(), 2);
  ASSERT_TRUE(stack.start_gym()) << stack.logs();
  ASSERT_TRUE(stack.start_plugin()) << stack.logs();
  ASSERT_TRUE(
      wait_until([&] { return outbox_counts(stack.plugin_db()).delivered == 2; }, seconds(10)))
      << stack.logs();
  stack.stop_plugin();
  // The acknowledgements are lost (as with a database restored from a backup): both entries
  // are pending again and go a second time.
  {
    tempoload::plugin::Database db(stack.plugin_db());
    db.exec("UPDATE outbox SET state = 'pending', next_attempt_unix_ms = 0");
  }
  ASSERT_TRUE(stack.start_plugin()) << stack.logs();
  ASSERT_TRUE(
      wait_until([&] { return outbox_counts(stack.plugin_db()).delivered == 2; }, seconds(10)))
      << stack.logs();
  const auto listing = run_ctl({"outbox", "--db", stack.plugin_db().string(), "--json"});
  EXPECT_NE(listing.find("\"last_http_status\": 200"), std::string::npos)
      << "the gym server answered 200 (duplicate), not 201: " << listing;
  int matched = 0;
  EXPECT_EQ(compare_gym_with_plugin(stack.plugin_db(), stack.gym_url(), &matched), "");
  EXPECT_EQ(matched, 2);
}

}  // namespace
}  // namespace tempoload::testing
