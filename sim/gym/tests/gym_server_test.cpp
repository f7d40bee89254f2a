// The gym server over real loopback sockets (in-process, port 0).
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sim/gym/http_server.hpp"
#include "sim/gym/tests/test_support.hpp"

namespace tempoload::gym {
namespace {

using boost::beast::http::verb;
using google::protobuf::util::MessageDifferencer;
using nlohmann::json;
using namespace tempoload::gym::testing;

TEST(GymServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  TempDir dir;
  ReportStore store(dir.file("gym.db"));
  RunningServer server(store, {});
  TestConnection conn(server.port());
  const std::string body = to_json(sample_report("s-1"));
  TestResponse health = conn.request(verb::get, "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_TRUE(health.keep_alive);
  EXPECT_EQ(health.header("Content-Type"), "application/json");
  TestResponse stored = conn.request(verb::post, "/api/v1/sessions", body, post_headers("k-1"));
  EXPECT_EQ(stored.status, 201) << stored.body;
  EXPECT_EQ(stored.header("Location"), "/api/v1/sessions/s-1");
  TestResponse dup = conn.request(verb::post, "/api/v1/sessions", body, post_headers("k-1"));
  EXPECT_EQ(dup.status, 200) << dup.body;
  EXPECT_EQ(json::parse(dup.body).at("status"), "duplicate");
  TestResponse list = conn.request(verb::get, "/api/v1/sessions");
  EXPECT_EQ(json::parse(list.body).at("sessions").size(), 1u);
}

TEST(GymServer, ConnectionCloseIsHonoured) {
  TempDir dir;
  ReportStore store(dir.file("gym.db"));
  RunningServer server(store, {});
  TestConnection conn(server.port());
  TestResponse r = conn.request(verb::get, "/healthz", {}, {{"Connection", "close"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.keep_alive);
  EXPECT_TRUE(conn.closed_by_server());
}

TEST(GymServer, OversizeBodyGets413NotAReset) {
  TempDir dir;
  ReportStore store(dir.file("gym.db"));
  RunningServer server(store, {});
  TestConnection conn(server.port());
  TestResponse r = conn.request(verb::post, "/api/v1/sessions", std::string(3u << 20, 'x'),
                                post_headers("k-big"));
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(json::parse(r.body).at("error").get<std::string>().find("1048576"), std::string::npos);
  EXPECT_FALSE(r.keep_alive);
}

TEST(GymServer, MalformedRequestGets400) {
  TempDir dir;
  ReportStore store(dir.file("gym.db"));
  RunningServer server(store, {});
  TestConnection conn(server.port());
  TestResponse r = conn.raw("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(json::parse(r.body).contains("error"));
}

TEST(GymServer, DataSurvivesARestart) {
  TempDir dir;
  const std::string db = dir.file("gym.db");
  const tempoload::v1::SessionReport report = sample_report("s-persist");
  {
    ReportStore store(db);
    RunningServer server(store, {});
    TestConnection conn(server.port());
    ASSERT_EQ(
        conn.request(verb::post, "/api/v1/sessions", to_json(report), post_headers("k-p")).status,
        201);
  }
  ReportStore store(db);
  RunningServer server(store, {});
  TestConnection conn(server.port());
  TestResponse got = conn.request(verb::get, "/api/v1/sessions/s-persist");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_TRUE(MessageDifferencer::Equals(parse_report(got.body), report));
  // A retry after the restart is still recognised as a duplicate.
  TestResponse dup =
      conn.request(verb::post, "/api/v1/sessions", to_json(report), post_headers("k-p"));
  EXPECT_EQ(dup.status, 200);
  EXPECT_EQ(json::parse(conn.request(verb::get, "/api/v1/sessions").body)["sessions"].size(), 1u);
}

TEST(GymServer, StopClosesIdleKeepAliveConnections) {
  TempDir dir;
  ReportStore store(dir.file("gym.db"));
  auto server = std::make_unique<RunningServer>(store, GymServerOptions{});
  TestConnection conn(server->port());
  ASSERT_EQ(conn.request(verb::get, "/healthz").status, 200);
  const auto start = std::chrono::steady_clock::now();
  server.reset();  // stop() + join: must not wait for the 30 s idle timeout
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_TRUE(conn.closed_by_server());
}

TEST(GymServer, ListeningOnAPortInUseFailsWithTheAddress) {
  TempDir dir;
  ReportStore store(dir.file("gym.db"));
  RunningServer first(store, {});
  GymServerOptions options;
  options.port = first.port();
  try {
    GymServer second(store, options);
    FAIL() << "bound a port in use";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(first.port())),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace tempoload::gym
