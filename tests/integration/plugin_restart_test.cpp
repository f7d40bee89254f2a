// The plugin killed (SIGKILL) in the middle of a set and in the middle of an upload, then
// restarted on the same database. Real processes on loopback; the gym server ends with exactly
// the sessions and reps that were completed, each once.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "plugin/http/http_client.hpp"
#include "tests/integration/delivery_stack.hpp"

namespace tempoload::testing {
namespace {

namespace v1 = tempoload::v1;
using std::chrono::seconds;

int gym_session_count(const std::string& url) {
  http::HttpClientOptions quick;
  quick.timeout_s = 1.0;
  http::HttpClient gym(url, quick);
  const auto r = gym.get("/api/v1/sessions");
  if (!r.ok || r.response.status != 200) return -1;
  return static_cast<int>(nlohmann::json::parse(r.response.body).at("sessions").size());
}

TEST(PluginRestart, KilledMidSetTheSessionIsClosedWithItsCompletedRepsAndReportedOnce) {
  DeliveryStack stack;
  ASSERT_TRUE(stack.start_sim()) << stack.logs();
  ASSERT_TRUE(stack.start_gym()) << stack.logs();
  ASSERT_TRUE(stack.start_plugin()) << stack.logs();
  auto stub = stack.session_stub();
  grpc::ClientContext ctx;
  v1::StartSetResponse started;
  auto request = short_set_request("athlete-crash");
  request.mutable_set()->set_reps(6);  // still running after the second rep
  ASSERT_TRUE(stub->StartSet(&ctx, request, &started).ok()) << stack.logs();
  const auto seen = watch_set(*stub, started.session_id(), 2);
  ASSERT_EQ(seen.reps.size(), 2u) << stack.logs();
  ASSERT_FALSE(seen.finished);
  stack.kill_plugin();

  ASSERT_TRUE(stack.start_plugin()) << stack.logs();
  ASSERT_TRUE(wait_until([&] { return gym_session_count(stack.gym_url()) == 1; }, seconds(15)))
      << stack.logs();
  int matched = 0;
  EXPECT_EQ(compare_gym_with_plugin(stack.plugin_db(), stack.gym_url(), &matched), "");
  EXPECT_EQ(matched, 1);

  http::HttpClient gym(stack.gym_url());
  const auto got = gym.get("/api/v1/sessions/" + started.session_id());
  ASSERT_TRUE(got.ok && got.response.status == 200);
  const auto report = nlohmann::json::parse(got.response.body);
  const auto& set = report.at("sets")[0];
  EXPECT_EQ(set.at("summary").at("endReason"), "interrupted: plugin restarted");
  // Every rep the athlete was told about is there (one more may have been stored in the
  // instant before the kill; compare_gym_with_plugin checked the gym has exactly those).
  ASSERT_GE(set.at("reps").size(), 2u);
  EXPECT_LE(set.at("reps").size(), 3u);
  for (std::size_t i = 0; i < seen.reps.size(); ++i)
    EXPECT_EQ(set.at("reps")[i].at("index"), seen.reps[i].index());
  const auto& faults = report.at("usage").at("faults");
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0].at("code"), "interrupted");
}

TEST(PluginRestart, KilledMidUploadTheRestartedPluginDeliversEachSessionOnce) {
  DeliveryStack stack;
  seed_finished_sessions(stack.plugin_db(), 3);
  // The gym server stores the first upload, then takes 30 s to answer: the plugin is killed
  // while it waits, so it never learns the outcome.
  ASSERT_TRUE(stack.start_gym({"--fail-mode", "slow", "--fail-count", "1", "--slow-seconds", "30"}))
      << stack.logs();
  ASSERT_TRUE(stack.start_plugin({"--report-concurrency", "1", "--report-timeout-s", "60"}))
      << stack.logs();
  ASSERT_TRUE(wait_until([&] { return gym_session_count(stack.gym_url()) == 1; }, seconds(10)))
      << stack.logs();
  stack.kill_plugin();
  auto counts = outbox_counts(stack.plugin_db());
  EXPECT_EQ(counts.pending, 3) << "the upload in flight is still pending";

  ASSERT_TRUE(stack.start_plugin()) << stack.logs();
  ASSERT_TRUE(
      wait_until([&] { return outbox_counts(stack.plugin_db()).delivered == 3; }, seconds(15)))
      << stack.logs();
  EXPECT_EQ(outbox_counts(stack.plugin_db()).duplicates, 1)
      << "the upload cut short was stored the first time: the resend is a duplicate (HTTP 200)";
  int matched = 0;
  EXPECT_EQ(compare_gym_with_plugin(stack.plugin_db(), stack.gym_url(), &matched), "");
  EXPECT_EQ(matched, 3);
}

}  // namespace
}  // namespace tempoload::testing
