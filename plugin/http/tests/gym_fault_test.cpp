// HttpClient against the reference gym server (sim/gym): the normal exchange and every fault
// mode, as the plugin's reporter will see them.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "plugin/http/http_client.hpp"
#include "sim/gym/tests/test_support.hpp"

namespace tempoload::http {
namespace {

using namespace tempoload::gym;
using namespace tempoload::gym::testing;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

class GymFaults : public ::testing::Test {
 protected:
  void start(FaultMode mode, int count = 1, double slow_seconds = 8) {
    GymServerOptions o;
    o.fail_mode = mode;
    o.fail_count = count;
    o.slow_seconds = slow_seconds;
    server_ = std::make_unique<RunningServer>(store_, o);
  }
  HttpClient client(double timeout_s = 2.0) {
    HttpClientOptions o;
    o.timeout_s = timeout_s;
    return HttpClient("http://127.0.0.1:" + std::to_string(server_->port()), o);
  }
  HttpResult post(HttpClient& c, const std::string& key = "key-1") {
    return c.post_json("/api/v1/sessions", body_, {{"Idempotency-Key", key}});
  }
  std::size_t stored() {
    HttpResult r = client().get("/api/v1/sessions");
    EXPECT_TRUE(r.ok) << r.error;
    return json::parse(r.response.body).at("sessions").size();
  }
  std::string authority() const { return "127.0.0.1:" + std::to_string(server_->port()); }

  TempDir dir_;
  ReportStore store_{dir_.file("gym.db")};
  std::unique_ptr<RunningServer> server_;
  const tempoload::v1::SessionReport report_ = sample_report("s-1");
  const std::string body_ = to_json(report_);
};

TEST_F(GymFaults, NormalExchange) {
  start(FaultMode::kNone);
  HttpClient c = client();
  HttpResult first = post(c);
  ASSERT_TRUE(first.ok) << first.error;
  EXPECT_EQ(first.response.status, 201);
  EXPECT_EQ(first.response.content_type, "application/json");
  EXPECT_EQ(json::parse(first.response.body), json({{"status", "stored"}, {"session_id", "s-1"}}));
  HttpResult again = post(c);
  ASSERT_TRUE(again.ok);
  EXPECT_EQ(again.response.status, 200);
  HttpResult conflict = c.post_json("/api/v1/sessions", to_json(sample_report("s-1", 9)),
                                    {{"Idempotency-Key", "key-1"}});
  EXPECT_EQ(conflict.response.status, 409);
  HttpResult missing_key = c.post_json("/api/v1/sessions", body_);
  EXPECT_EQ(missing_key.response.status, 400);
  HttpResult too_big = c.post_json("/api/v1/sessions", std::string((1u << 20) + 1, ' '),
                                   {{"Idempotency-Key", "key-big"}});
  ASSERT_TRUE(too_big.ok) << too_big.error;
  EXPECT_EQ(too_big.response.status, 413);
  HttpResult got = c.get("/api/v1/sessions/s-1");
  ASSERT_TRUE(got.ok);
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(parse_report(got.response.body), report_));
  EXPECT_EQ(stored(), 1u);
}

TEST_F(GymFaults, Mode500ThenRecovers) {
  start(FaultMode::k500, 2);
  HttpClient c = client();
  for (int i = 0; i < 2; ++i) {
    HttpResult r = post(c);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.response.status, 500);
    EXPECT_TRUE(json::parse(r.response.body).contains("error"));
  }
  EXPECT_EQ(stored(), 0u);  // GETs are never faulted
  EXPECT_EQ(post(c).response.status, 201);
  EXPECT_EQ(stored(), 1u);
}

TEST_F(GymFaults, Mode429CarriesRetryAfter) {
  start(FaultMode::k429);
  HttpClient c = client();
  HttpResult r = post(c);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.response.status, 429);
  ASSERT_TRUE(r.response.retry_after_s);
  EXPECT_EQ(*r.response.retry_after_s, 1.0);
  EXPECT_EQ(stored(), 0u);
  EXPECT_EQ(post(c).response.status, 201);
}

TEST_F(GymFaults, ModeGarbageIsMalformed) {
  start(FaultMode::kGarbage);
  HttpClient c = client();
  HttpResult r = post(c);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.rfind("malformed HTTP response: ", 0), 0u) << r.error;
  EXPECT_EQ(stored(), 0u);
  EXPECT_EQ(post(c).response.status, 201);
}

TEST_F(GymFaults, ModeCloseIsClosedWithoutResponse) {
  start(FaultMode::kClose);
  HttpClient c = client();
  HttpResult r = post(c);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "connection closed by " + authority() + " without a response");
  EXPECT_EQ(stored(), 0u);
  EXPECT_EQ(post(c).response.status, 201);
}

TEST_F(GymFaults, ModeSlowTimesOutButWasStoredSoTheRetryIsADuplicate) {
  start(FaultMode::kSlow);
  HttpClient c = client(0.5);
  const auto start_time = Clock::now();
  HttpResult r = post(c);
  EXPECT_LT(Clock::now() - start_time, std::chrono::milliseconds(1500));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "timeout after 0.5 s reading body");
  EXPECT_EQ(stored(), 1u);
  HttpResult retry = post(c);
  ASSERT_TRUE(retry.ok) << retry.error;
  EXPECT_EQ(retry.response.status, 200);  // duplicate: counted once
}

TEST_F(GymFaults, ModeSlowCompletesForAPatientClient) {
  start(FaultMode::kSlow, 1, /*slow_seconds=*/0.6);
  HttpClient c = client(5);
  const auto start_time = Clock::now();
  HttpResult r = post(c);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.response.status, 201);
  EXPECT_GE(Clock::now() - start_time, std::chrono::milliseconds(500));
}

}  // namespace
}  // namespace tempoload::http
