// https:// with certificates generated at test time by the openssl command-line tool.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "plugin/http/http_client.hpp"
#include "plugin/http/tests/fake_server.hpp"
#include "sim/gym/tests/test_support.hpp"

namespace tempoload::http {
namespace {

using namespace tempoload::http::testing;
using tempoload::gym::testing::TempDir;

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "openssl command-line tool not found";
    }
    make_cert("name", "DNS:localhost");
    make_cert("ip", "IP:127.0.0.1");
  }

  // Self-signed P-256 certificate <stem>.crt / <stem>.key with the given subjectAltName.
  void make_cert(const std::string& stem, const std::string& san) {
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
        "-nodes -days 2 -subj /CN=tempoload-test -keyout '" +
        dir_.file(stem + ".key") + "' -out '" + dir_.file(stem + ".crt") +
        "' -addext 'subjectAltName=" + san + "' >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }

  std::shared_ptr<net::ssl::context> server_context(const std::string& stem) {
    auto ctx = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
    ctx->use_certificate_chain_file(dir_.file(stem + ".crt"));
    ctx->use_private_key_file(dir_.file(stem + ".key"), net::ssl::context::pem);
    return ctx;
  }

  static std::optional<FakeReply> ok(const std::string&) {
    return http_reply("200 OK", R"({"status":"ok"})");
  }

  HttpClientOptions options(const std::string& ca_stem = "") {
    HttpClientOptions o;
    o.timeout_s = 3;
    if (!ca_stem.empty()) o.ca_file = dir_.file(ca_stem + ".crt");
    return o;
  }

  TempDir dir_;
};

TEST_F(Tls, VerifiesChainAndHostNameAndSendsSni) {
  FakeServer server(ok, server_context("name"));
  HttpClient client("https://localhost:" + std::to_string(server.port()), options("name"));
  HttpResult r = client.get("/healthz");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.response.body, R"({"status":"ok"})");
  EXPECT_EQ(server.sni(), "localhost");
}

TEST_F(Tls, VerifiesIpAddressCertificates) {
  FakeServer server(ok, server_context("ip"));
  HttpClient client("https://127.0.0.1:" + std::to_string(server.port()), options("ip"));
  HttpResult r = client.post_json("/api/v1/sessions", "{}", {{"Idempotency-Key", "k"}});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(server.sni(), "");  // no SNI for IP literals
}

TEST_F(Tls, RejectsAnUntrustedCertificate) {
  FakeServer server(ok, server_context("name"));
  HttpClient client("https://localhost:" + std::to_string(server.port()), options());
  HttpResult r = client.get("/healthz");
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(contains(r.error, "TLS handshake with localhost:")) << r.error;
  EXPECT_TRUE(contains(r.error, "certificate verify failed")) << r.error;
  EXPECT_TRUE(contains(r.error, "self")) << r.error;  // "self-signed certificate"
}

TEST_F(Tls, RejectsAHostNameMismatch) {
  FakeServer server(ok, server_context("name"));  // valid for localhost, not 127.0.0.1
  HttpClient by_ip("https://127.0.0.1:" + std::to_string(server.port()), options("name"));
  HttpResult r = by_ip.get("/healthz");
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(contains(r.error, "IP address mismatch")) << r.error;

  FakeServer ip_server(ok, server_context("ip"));  // valid for 127.0.0.1, not localhost
  HttpClient by_name("https://localhost:" + std::to_string(ip_server.port()), options("ip"));
  r = by_name.get("/healthz");
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(contains(r.error, "hostname mismatch")) << r.error;
}

TEST_F(Tls, VerificationCanBeTurnedOff) {
  FakeServer server(ok, server_context("name"));
  HttpClientOptions o = options();
  o.verify = false;
  HttpClient client("https://127.0.0.1:" + std::to_string(server.port()), o);
  HttpResult r = client.get("/healthz");
  ASSERT_TRUE(r.ok) << r.error;
}

TEST_F(Tls, PlainHttpServerFailsTheHandshakeInBoundedTime) {
  FakeServer plain([](const std::string&) { return http_reply("200 OK", "{}"); });
  HttpClientOptions o = options("ip");
  o.timeout_s = 1;
  HttpClient client("https://127.0.0.1:" + std::to_string(plain.port()), o);
  HttpResult r = client.get("/healthz");
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(contains(r.error, "TLS handshake") || contains(r.error, "timeout")) << r.error;
}

TEST_F(Tls, MissingCaFileIsAConstructionError) {
  try {
    HttpClient client("https://localhost:1", options("does-not-exist"));
    FAIL() << "accepted a missing CA file";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(contains(e.what(), "does-not-exist.crt")) << e.what();
  }
}

}  // namespace
}  // namespace tempoload::http
