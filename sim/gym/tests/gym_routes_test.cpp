#include "sim/gym/gym_routes.hpp"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sim/gym/tests/test_support.hpp"

namespace tempoload::gym {
namespace {

using google::protobuf::util::MessageDifferencer;
using nlohmann::json;
using testing::parse_report;
using testing::sample_report;
using testing::TempDir;
using testing::to_json;

class GymRoutes : public ::testing::Test {
 protected:
  GymResponse call(const std::string& method, const std::string& target,
                   std::optional<std::string> body = std::nullopt,
                   std::optional<std::string> key = std::nullopt,
                   std::optional<std::string> content_type = "application/json") {
    GymRequest req;
    req.method = method;
    req.target = target;
    req.body = body.value_or("");
    req.idempotency_key = std::move(key);
    req.content_type = body ? std::move(content_type) : std::nullopt;
    return handle_request(store_, req, ++now_);
  }
  GymResponse post(const std::string& body, std::optional<std::string> key) {
    return call("POST", "/api/v1/sessions", body, std::move(key));
  }
  static std::string error_of(const GymResponse& r) { return json::parse(r.body).at("error"); }

  TempDir dir_;
  ReportStore store_{dir_.file("gym.db")};
  std::int64_t now_ = 1'700'000'000'000;
};

TEST_F(GymRoutes, Healthz) {
  GymResponse r = call("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body), json({{"status", "ok"}}));
}

TEST_F(GymRoutes, StoresThenDeduplicatesByKey) {
  const std::string body = to_json(sample_report("s-1"));
  GymResponse first = post(body, "key-1");
  EXPECT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(json::parse(first.body), json({{"status", "stored"}, {"session_id", "s-1"}}));
  GymResponse second = post(body, "key-1");
  EXPECT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(json::parse(second.body), json({{"status", "duplicate"}, {"session_id", "s-1"}}));

  json list = json::parse(call("GET", "/api/v1/sessions").body);
  ASSERT_EQ(list.at("sessions").size(), 1u);
  const json& entry = list["sessions"][0];
  EXPECT_EQ(entry.at("session_id"), "s-1");
  EXPECT_EQ(entry.at("athlete_id"), "athlete-7");
  EXPECT_EQ(entry.at("machine_id"), "calf-01");
  EXPECT_EQ(entry.at("reps_counted"), 6);  // 3 + 3 over the two sets
  EXPECT_EQ(entry.at("received_at_unix_ms"), 1'700'000'000'001);
}

TEST_F(GymRoutes, DuplicateIsJudgedOnTheParsedReportNotTheBytes) {
  tempoload::v1::SessionReport report = sample_report("s-1");
  ASSERT_EQ(post(to_json(report), "key-1").status, 201);
  json reformatted = json::parse(to_json(report));  // same report, other key order and spacing
  EXPECT_EQ(post(reformatted.dump(2), "key-1").status, 200);
}

TEST_F(GymRoutes, SameKeyDifferentBodyIsConflict) {
  ASSERT_EQ(post(to_json(sample_report("s-1")), "key-1").status, 201);
  GymResponse r = post(to_json(sample_report("s-1", 5)), "key-1");
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(error_of(r).find("key-1"), std::string::npos) << r.body;
  EXPECT_EQ(json::parse(call("GET", "/api/v1/sessions").body)["sessions"].size(), 1u);
}

TEST_F(GymRoutes, SameSessionUnderAnotherKeyIsConflict) {
  ASSERT_EQ(post(to_json(sample_report("s-1")), "key-1").status, 201);
  GymResponse r = post(to_json(sample_report("s-1")), "key-2");
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(error_of(r).find("s-1"), std::string::npos) << r.body;
}

TEST_F(GymRoutes, BadJsonIs400NamingTheProblem) {
  GymResponse unknown = post(R"({"sessionId":"s-1","bogusField":1})", "k");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(error_of(unknown).find("bogusField"), std::string::npos) << unknown.body;

  GymResponse bad_enum = post(R"({"sessionId":"s","sets":[{"reps":[{"verdict":"NOPE"}]}]})", "k");
  EXPECT_EQ(bad_enum.status, 400);
  EXPECT_NE(error_of(bad_enum).find("sets[0].reps[0].verdict"), std::string::npos) << bad_enum.body;

  GymResponse syntax = post(R"({"sessionId":)", "k");
  EXPECT_EQ(syntax.status, 400);
  EXPECT_FALSE(error_of(syntax).empty());
  EXPECT_EQ(error_of(syntax).find('\n'), std::string::npos);

  GymResponse no_id = post(R"({"athleteId":"a"})", "k");
  EXPECT_EQ(no_id.status, 400);
  EXPECT_EQ(error_of(no_id), "session_id: required");
  EXPECT_TRUE(json::parse(call("GET", "/api/v1/sessions").body)["sessions"].empty());
}

TEST_F(GymRoutes, IdempotencyKeyIsRequiredAndBounded) {
  const std::string body = to_json(sample_report("s-1"));
  for (const std::optional<std::string>& key :
       {std::optional<std::string>{}, std::optional<std::string>{""},
        std::optional<std::string>{std::string(129, 'k')}}) {
    GymResponse r = post(body, key);
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(error_of(r).find("Idempotency-Key"), std::string::npos) << r.body;
  }
  EXPECT_EQ(post(body, std::string(128, 'k')).status, 201);
}

TEST_F(GymRoutes, ContentTypeMustBeJson) {
  const std::string body = to_json(sample_report("s-1"));
  EXPECT_EQ(call("POST", "/api/v1/sessions", body, "k", "text/plain").status, 415);
  EXPECT_EQ(call("POST", "/api/v1/sessions", body, "k", std::nullopt).status, 415);
  EXPECT_EQ(call("POST", "/api/v1/sessions", body, "k", "Application/JSON; charset=utf-8").status,
            201);
}

TEST_F(GymRoutes, OversizeBodyIs413) {
  GymResponse r = post(std::string(kMaxReportBytes + 1, ' '), "k");
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(error_of(r).find("1048576"), std::string::npos);
}

TEST_F(GymRoutes, GetReturnsWhatWasPosted) {
  tempoload::v1::SessionReport a = sample_report("s/a b");  // needs percent-encoding in the path
  tempoload::v1::SessionReport b = sample_report("s-b", 4);
  ASSERT_EQ(post(to_json(a), "ka").status, 201);
  ASSERT_EQ(post(to_json(b), "kb").status, 201);

  GymResponse got_b = call("GET", "/api/v1/sessions/s-b?view=full");
  ASSERT_EQ(got_b.status, 200);
  EXPECT_TRUE(MessageDifferencer::Equals(parse_report(got_b.body), b));
  GymResponse got_a = call("GET", "/api/v1/sessions/s%2Fa%20b");
  ASSERT_EQ(got_a.status, 200) << got_a.body;
  EXPECT_TRUE(MessageDifferencer::Equals(parse_report(got_a.body), a));

  json list = json::parse(call("GET", "/api/v1/sessions").body);
  ASSERT_EQ(list["sessions"].size(), 2u);
  EXPECT_EQ(list["sessions"][0]["session_id"], "s/a b");  // in receive order
  EXPECT_EQ(list["sessions"][1]["session_id"], "s-b");
  EXPECT_EQ(list["sessions"][1]["reps_counted"], 8);
}

TEST_F(GymRoutes, NotFoundAndMethodNotAllowed) {
  GymResponse missing = call("GET", "/api/v1/sessions/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_of(missing), "no session 'nope'");
  GymResponse unknown = call("GET", "/api/v2/other");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(error_of(unknown).find("/api/v2/other"), std::string::npos);
  EXPECT_EQ(call("GET", "/api/v1/sessions/a/b").status, 404);

  GymResponse put = call("PUT", "/api/v1/sessions", "{}", "k");
  EXPECT_EQ(put.status, 405);
  ASSERT_EQ(put.headers.size(), 1u);
  EXPECT_EQ(put.headers[0], (std::pair<std::string, std::string>{"Allow", "GET, POST"}));
  EXPECT_EQ(call("DELETE", "/api/v1/sessions/x").status, 405);
  EXPECT_EQ(call("POST", "/healthz", "{}", "k").status, 405);
  EXPECT_FALSE(error_of(put).empty());
}

}  // namespace
}  // namespace tempoload::gym
