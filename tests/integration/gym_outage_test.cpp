// The gym server down for a whole session and back later, and killed in the middle of an
// upload. Real processes on loopback; every case ends with the gym server holding exactly the
// sessions and reps the plugin completed, each once. Also: the set's data exported from the
// command line.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "plugin/http/http_client.hpp"
#include "tests/integration/delivery_stack.hpp"

namespace tempoload::testing {
namespace {

namespace v1 = tempoload::v1;
using std::chrono::seconds;

// Sessions the gym server lists now (-1 when it does not answer).
int gym_session_count(const std::string& url) {
  http::HttpClientOptions quick;
  quick.timeout_s = 1.0;
  http::HttpClient gym(url, quick);
  const auto r = gym.get("/api/v1/sessions");
  if (!r.ok || r.response.status != 200) return -1;
  return static_cast<int>(nlohmann::json::parse(r.response.body).at("sessions").size());
}

TEST(GymOutage, ServerDownForTheWholeSessionGetsItOnceWhenBackEvenAcrossAPluginRestart) {
  DeliveryStack stack;
  ASSERT_TRUE(stack.start_sim()) << stack.logs();
  ASSERT_TRUE(stack.start_plugin()) << stack.logs();  // its gym server is not running
  auto stub = stack.session_stub();
  grpc::ClientContext ctx;
  v1::StartSetResponse started;
  ASSERT_TRUE(stub->StartSet(&ctx, short_set_request("athlete-out"), &started).ok())
      << stack.logs();
  const auto set = watch_set(*stub, started.session_id());
  ASSERT_TRUE(set.finished) << stack.logs();
  ASSERT_EQ(set.result.summary().reps_counted(), 3u) << stack.logs();

  // The report waits in the outbox, retried, with the reason visible to an operator.
  ASSERT_TRUE(
      wait_until([&] { return outbox_counts(stack.plugin_db()).max_attempts >= 2; }, seconds(10)));
  auto counts = outbox_counts(stack.plugin_db());
  EXPECT_EQ(counts.pending, 1);
  EXPECT_EQ(counts.delivered, 0);
  EXPECT_NE(counts.last_error.find("refused"), std::string::npos) << counts.last_error;
  int status = -1;
  const std::string listing = run_ctl({"outbox", "--db", stack.plugin_db().string()}, &status);
  EXPECT_EQ(status, 0);
  EXPECT_NE(listing.find("1 pending"), std::string::npos) << listing;
  EXPECT_NE(listing.find(started.session_id()), std::string::npos) << listing;
  EXPECT_NE(listing.find("refused"), std::string::npos) << listing;

  // The plugin restarts while the server is still down: the entry stays queued.
  stack.stop_plugin();
  ASSERT_TRUE(stack.start_plugin()) << stack.logs();
  EXPECT_EQ(outbox_counts(stack.plugin_db()).pending, 1);

  // The server comes back: the report arrives once, with every rep.
  ASSERT_TRUE(stack.start_gym()) << stack.logs();
  ASSERT_TRUE(
      wait_until([&] { return outbox_counts(stack.plugin_db()).delivered == 1; }, seconds(15)))
      << stack.logs();
  int matched = 0;
  EXPECT_EQ(compare_gym_with_plugin(stack.plugin_db(), stack.gym_url(), &matched), "");
  EXPECT_EQ(matched, 1);

  // The set's data from the command line (read-only, while the plugin runs).
  const std::string db = stack.plugin_db().string();
  const auto reps_json = nlohmann::json::parse(
      run_ctl({"export", "--db", db, "--what", "reps", "--format", "json"}, &status));
  EXPECT_EQ(status, 0);
  ASSERT_EQ(reps_json.size(), 3u);
  EXPECT_EQ(reps_json[0].at("session_id"), started.session_id());
  EXPECT_EQ(reps_json[0].at("verdict"), "REP_VERDICT_COUNTED");
  EXPECT_NEAR(reps_json[0].at("eccentric_s").get<double>(), 1.5, 0.3);

  const std::string sessions_csv =
      run_ctl({"export", "--db", db, "--what", "sessions", "--format", "csv"}, &status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(sessions_csv.rfind("session_id,athlete_id,", 0), 0u) << sessions_csv;
  EXPECT_NE(sessions_csv.find(started.session_id() + ",athlete-out,calf-it-1,finished"),
            std::string::npos)
      << sessions_csv;

  const std::string samples_csv = run_ctl(
      {"export", "--db", db, "--session", started.session_id(), "--what", "samples"}, &status);
  EXPECT_EQ(status, 0);
  std::istringstream lines(samples_csv);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "t_s,force_left_n,force_right_n,position_m\r");
  int rows = 0;
  double highest = 0, last_t = -1, peak_right = 0;
  bool increasing = true;
  while (std::getline(lines, line)) {
    double t, l, r, x;
    ASSERT_EQ(std::sscanf(line.c_str(), "%lf,%lf,%lf,%lf", &t, &l, &r, &x), 4) << line;
    increasing = increasing && t > last_t;
    last_t = t;
    highest = std::max(highest, x);
    peak_right = std::max(peak_right, r);
    ++rows;
  }
  EXPECT_GT(rows, 500) << "100 Hz over a set of about 10 s";
  EXPECT_TRUE(increasing) << "time runs forward";
  EXPECT_NEAR(highest, 0.09, 0.01) << "the athlete's full range";
  EXPECT_GT(peak_right, 1000) << "the right plate carries load + body weight";

  int missing = -1;
  run_ctl({"export", "--db", db, "--session", "no-such-session", "--what", "samples"}, &missing);
  EXPECT_EQ(missing, 3) << "not found (plugin/ctl/exit_codes.hpp)";
}

TEST(GymOutage, ServerKilledMidUploadEndsWithEachSessionOnce) {
  DeliveryStack stack;
  seed_finished_sessions(stack.plugin_db(), 3);
  // The first upload is stored, then its reply trickles over 30 s: the plugin is mid-upload
  // when the server dies.
  ASSERT_TRUE(stack.start_gym({"--fail-mode", "slow", "--fail-count", "1", "--slow-seconds", "30"}))
      << stack.logs();
  ASSERT_TRUE(stack.start_plugin({"--report-concurrency", "1", "--report-timeout-s", "60"}))
      << stack.logs();
  ASSERT_TRUE(wait_until([&] { return gym_session_count(stack.gym_url()) == 1; }, seconds(10)))
      << stack.logs();
  stack.kill_gym();
  EXPECT_EQ(outbox_counts(stack.plugin_db()).delivered, 0) << "no answer was received";

  ASSERT_TRUE(stack.start_gym()) << stack.logs();  // same port, same database, no faults
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
