// HttpClient against scripted loopback servers: success, errors, timeouts, limits.
#include <gtest/gtest.h>

#include <chrono>

#include "plugin/http/http_client.hpp"
#include "plugin/http/tests/fake_server.hpp"

namespace tempoload::http {
namespace {

using namespace tempoload::http::testing;
using Clock = std::chrono::steady_clock;

std::string base(std::uint16_t port, const std::string& prefix = "") {
  return "http://127.0.0.1:" + std::to_string(port) + prefix;
}

HttpClientOptions fast(double timeout_s = 2.0) {
  HttpClientOptions o;
  o.timeout_s = timeout_s;
  return o;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(HttpClient, PostsJsonWithHeadersAndReadsTheResponse) {
  FakeServer server(
      [](const std::string&) { return http_reply("201 Created", R"({"status":"stored"})"); });
  HttpClient client(base(server.port(), "/gym/"), fast());
  HttpResult r =
      client.post_json("/api/v1/sessions", R"({"sessionId":"s"})", {{"Idempotency-Key", "key-1"}});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.response.status, 201);
  EXPECT_EQ(r.response.body, R"({"status":"stored"})");
  EXPECT_EQ(r.response.content_type, "application/json");
  EXPECT_FALSE(r.response.retry_after_s);
  ASSERT_EQ(server.requests().size(), 1u);
  const std::string req = server.requests()[0];
  EXPECT_EQ(req.rfind("POST /gym/api/v1/sessions HTTP/1.1\r\n", 0), 0u) << req;
  EXPECT_TRUE(contains(req, "Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n")) << req;
  EXPECT_TRUE(contains(req, "Content-Type: application/json\r\n")) << req;
  EXPECT_TRUE(contains(req, "Idempotency-Key: key-1\r\n")) << req;
  EXPECT_TRUE(contains(req, "\r\n\r\n{\"sessionId\":\"s\"}")) << req;
}

TEST(HttpClient, GetAndNonSuccessStatusesAreTransportSuccesses) {
  FakeServer server([](const std::string&) {
    return http_reply("404 Not Found", R"({"error":"no session 'x'"})");
  });
  HttpClient client(base(server.port()), fast());
  HttpResult r = client.get("/api/v1/sessions/x");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.response.status, 404);
  EXPECT_EQ(server.requests()[0].rfind("GET /api/v1/sessions/x HTTP/1.1\r\n", 0), 0u);
}

TEST(HttpClient, ConnectionRefusedNamesTheAddress) {
  std::uint16_t port;
  {
    net::io_context ioc;
    tcp::acceptor a(ioc, tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }  // closed again: nothing listens there now
  HttpClient client(base(port), fast());
  HttpResult r = client.get("/healthz");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "connect 127.0.0.1:" + std::to_string(port) + ": Connection refused");
}

TEST(HttpClient, TimesOutOnAServerThatNeverAnswers) {
  // Listening but never accepting: the kernel completes the handshake, nobody ever replies.
  net::io_context ioc;
  tcp::acceptor silent(ioc, tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), 0));
  HttpClient client(base(silent.local_endpoint().port()), fast(0.5));
  const auto start = Clock::now();
  HttpResult r = client.post_json("/api/v1/sessions", "{}", {{"Idempotency-Key", "k"}});
  const auto took = Clock::now() - start;
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "timeout after 0.5 s reading response headers");
  EXPECT_GE(took, std::chrono::milliseconds(450));
  EXPECT_LT(took, std::chrono::milliseconds(1500));
}

TEST(HttpClient, TimesOutReadingAStalledBody) {
  FakeServer server([](const std::string&) {
    return FakeReply{"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly-some", false};
  });
  HttpClient client(base(server.port()), fast(0.5));
  HttpResult r = client.get("/slow");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "timeout after 0.5 s reading body");
}

TEST(HttpClient, ParsesRetryAfterSecondsAndIgnoresDates) {
  std::string retry_after = "7";
  FakeServer server([&](const std::string&) {
    return http_reply("429 Too Many Requests", R"({"error":"slow down"})",
                      "Retry-After: " + retry_after + "\r\n");
  });
  HttpClient client(base(server.port()), fast());
  HttpResult r = client.post_json("/api/v1/sessions", "{}");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.response.status, 429);
  ASSERT_TRUE(r.response.retry_after_s);
  EXPECT_EQ(*r.response.retry_after_s, 7.0);

  retry_after = "Wed, 21 Oct 2015 07:28:00 GMT";
  r = client.post_json("/api/v1/sessions", "{}");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_FALSE(r.response.retry_after_s);
  retry_after = "-3";
  EXPECT_FALSE(client.post_json("/api/v1/sessions", "{}").response.retry_after_s);
}

TEST(HttpClient, GarbageReplyIsMalformed) {
  FakeServer server([](const std::string&) {
    return FakeReply{"SSH-2.0-OpenSSH_9.2 this is not http\r\n\r\n", true};
  });
  HttpClient client(base(server.port()), fast());
  HttpResult r = client.get("/healthz");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.rfind("malformed HTTP response: ", 0), 0u) << r.error;
}

TEST(HttpClient, ClosedWithoutReplyAndTruncatedReplyAreErrors) {
  std::string bytes;
  FakeServer server([&](const std::string&) { return FakeReply{bytes, true}; });
  HttpClient client(base(server.port()), fast());
  HttpResult r = client.get("/healthz");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "connection closed by 127.0.0.1:" + std::to_string(server.port()) +
                         " without a response");
  bytes = "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"trunc";
  r = client.get("/healthz");
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(contains(r.error, "in the middle of the response (reading body)")) << r.error;
}

TEST(HttpClient, OversizeBodyIsRefused) {
  bool chunked = false;
  FakeServer server([&](const std::string&) {
    const std::string body(5000, 'x');
    if (!chunked) return http_reply("200 OK", body);
    return FakeReply{
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1388\r\n" + body + "\r\n0\r\n\r\n",
        true};
  });
  HttpClientOptions options = fast();
  options.max_body_bytes = 1000;
  HttpClient client(base(server.port()), options);
  HttpResult r = client.get("/big");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "response body exceeds max_body_bytes (1000 bytes)");
  chunked = true;
  r = client.get("/big");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "response body exceeds max_body_bytes (1000 bytes)");
  options.max_body_bytes = 5000;
  HttpClient roomy(base(server.port()), options);
  r = roomy.get("/big");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.response.body.size(), 5000u);
}

TEST(HttpClient, RejectsBadTargetsAndHeadersWithoutConnecting) {
  FakeServer server([](const std::string&) { return http_reply("200 OK", "{}"); });
  HttpClient client(base(server.port()), fast());
  EXPECT_FALSE(client.get("healthz").ok);
  EXPECT_FALSE(client.get("/a b").ok);
  EXPECT_FALSE(client.post_json("/x", "{}", {{"Bad Name", "v"}}).ok);
  HttpResult injected = client.post_json("/x", "{}", {{"Idempotency-Key", "k\r\nX-Evil: 1"}});
  EXPECT_FALSE(injected.ok);
  EXPECT_TRUE(contains(injected.error, "Idempotency-Key")) << injected.error;
  EXPECT_FALSE(client.post_json("/x", "{}", {{"Content-Length", "1"}}).ok);
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpClient, ResolvesHostNames) {
  FakeServer server([](const std::string&) { return http_reply("200 OK", "{}"); });
  HttpClient client("http://localhost:" + std::to_string(server.port()), fast());
  HttpResult r = client.get("/healthz");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(contains(server.requests()[0], "Host: localhost:" + std::to_string(server.port())));
  HttpClient nowhere("http://no-such-host.invalid:80", fast());
  r = nowhere.get("/healthz");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.rfind("resolve no-such-host.invalid: ", 0), 0u) << r.error;
}

}  // namespace
}  // namespace tempoload::http
