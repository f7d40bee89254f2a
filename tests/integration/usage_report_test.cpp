// Usage logs for operators, end to end with real processes: a day's sessions reach the gym
// server as one usage report per machine and day, once, with per-athlete counts, and the same
// figures come from the command line.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "plugin/http/http_client.hpp"
#include "tests/integration/delivery_stack.hpp"

namespace tempoload::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

TEST(UsageReports, AFinishedDayReachesTheGymOnceWithPerAthleteCounts) {
  DeliveryStack stack;
  // 4 sessions on one past day (2025-10-09 UTC), athletes 0 and 1 alternating, 3 reps each.
  seed_finished_sessions(stack.plugin_db(), 4);
  ASSERT_TRUE(stack.start_gym()) << stack.logs();
  ASSERT_TRUE(stack.start_plugin()) << stack.logs();
  ASSERT_TRUE(wait_until(
      [&] { return outbox_counts(stack.plugin_db(), "usage_report").delivered == 1; }, seconds(15)))
      << stack.logs();
  ASSERT_TRUE(
      wait_until([&] { return outbox_counts(stack.plugin_db()).delivered == 4; }, seconds(15)));
  EXPECT_EQ(outbox_counts(stack.plugin_db(), "usage_report").pending, 0) << "one period only";

  http::HttpClient gym(stack.gym_url());
  const auto got = gym.get("/api/v1/usage");
  ASSERT_TRUE(got.ok && got.response.status == 200);
  const auto reports = json::parse(got.response.body).at("usage_reports");
  ASSERT_EQ(reports.size(), 1u);
  const auto& day = reports[0];
  EXPECT_EQ(day.at("reportId"), "usage-calf-it-1-2025-10-09T00:00:00Z");
  EXPECT_EQ(day.at("sessions"), 4);
  EXPECT_EQ(day.at("machineCycles"), 12);
  ASSERT_EQ(day.at("athletes").size(), 2u);
  EXPECT_EQ(day.at("athletes")[0].at("athleteId"), "athlete-0");
  EXPECT_EQ(day.at("athletes")[0].at("sessions"), 2);
  EXPECT_EQ(day.at("athletes")[0].at("repsCounted"), 4);
  EXPECT_EQ(day.at("athletes")[0].at("repsAttempted"), 6);

  int status = -1;
  const auto cli = json::parse(run_ctl(
      {"usage", "--db", stack.plugin_db().string(), "--from", "2025-10-09", "--json"}, &status));
  EXPECT_EQ(status, 0);
  EXPECT_EQ(cli.at("sessions"), 4);
  EXPECT_EQ(cli.at("machine_cycles"), 12);
  ASSERT_EQ(cli.at("by_day_and_athlete").size(), 2u);
  EXPECT_EQ(cli.at("by_day_and_athlete")[1].at("day"), "2025-10-09");
  EXPECT_EQ(cli.at("by_day_and_athlete")[1].at("athlete_id"), "athlete-1");
  EXPECT_EQ(cli.at("by_day_and_athlete")[1].at("reps_counted"), 4);

  int bad = -1;
  run_ctl({"usage", "--db", stack.plugin_db().string(), "--from", "9 October"}, &bad);
  EXPECT_EQ(bad, 1) << "a malformed date is refused";
}

}  // namespace
}  // namespace tempoload::testing
