// The reporter over HTTPS: delivered to a server whose certificate chains to --gym-ca-file, and
// never to one it cannot verify (verification is always on): that entry stays pending with the
// reason. Certificates are generated at test time by the openssl command-line tool.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "plugin/http/tests/fake_server.hpp"
#include "plugin/report/reporter.hpp"
#include "sim/gym/tests/test_support.hpp"

namespace tempoload::plugin {
namespace {

namespace ht = tempoload::http::testing;
using Clock = std::chrono::steady_clock;

class ReporterTls : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0)
      GTEST_SKIP() << "openssl command-line tool not found";
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj /CN=tempoload-gym-test -keyout '" +
        dir_.file("gym.key") + "' -out '" + dir_.file("gym.crt") +
        "' -addext 'subjectAltName=DNS:localhost' >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    tls_ = std::make_shared<ht::net::ssl::context>(ht::net::ssl::context::tls_server);
    tls_->use_certificate_chain_file(dir_.file("gym.crt"));
    tls_->use_private_key_file(dir_.file("gym.key"), ht::net::ssl::context::pem);
    SessionStart s;
    s.session_id = "s1";
    s.athlete_id = "anna";
    s.machine_id = "calf-1";
    s.machine_model = "calf";
    store_.begin_session(s);
    store_.finish_session("s1", {}, 1000);
  }

  // Runs a reporter until the entry was tried at least once and is no longer pending, or was
  // tried `tries` times, bounded by 10 s.
  void report_to(const std::string& url, const std::string& ca_file, int tries) {
    ReporterOptions o;
    o.gym_url = url;
    o.ca_file = ca_file;
    o.min_backoff_s = 0.05;
    o.max_backoff_s = 0.1;
    Reporter reporter(store_, o);
    reporter.start();
    auto attempts = [&] {
      return store_.with_db([](Database& d) { return outbox_list(d, "", 1).at(0).attempts; });
    };
    for (auto until = Clock::now() + std::chrono::seconds(10);
         Clock::now() < until && store_.outbox_status().pending > 0 && attempts() < tries;)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    reporter.stop();
  }

  tempoload::gym::testing::TempDir dir_;
  SessionStore store_{dir_.file("plugin.db")};
  std::shared_ptr<ht::net::ssl::context> tls_;
};

TEST_F(ReporterTls, DeliversToAServerItsCaFileVouchesFor) {
  ht::FakeServer server([](const std::string&) { return ht::http_reply("201 Created", "{}"); },
                        tls_);
  report_to("https://localhost:" + std::to_string(server.port()), dir_.file("gym.crt"), 10);
  EXPECT_EQ(store_.outbox_status().delivered, 1);
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_NE(server.requests()[0].find("Idempotency-Key: s1"), std::string::npos);
  EXPECT_EQ(server.sni(), "localhost");
}

TEST_F(ReporterTls, NeverSendsToAServerItCannotVerify) {
  ht::FakeServer server([](const std::string&) { return ht::http_reply("201 Created", "{}"); },
                        tls_);
  report_to("https://localhost:" + std::to_string(server.port()), "", 2);  // system CAs
  EXPECT_EQ(store_.outbox_status().pending, 1);
  EXPECT_TRUE(server.requests().empty()) << "the report must not leave the machine";
  const auto rows = store_.with_db([](Database& d) { return outbox_list(d, "pending", 1); });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0].last_error.find("certificate verify failed"), std::string::npos)
      << rows[0].last_error;
}

}  // namespace
}  // namespace tempoload::plugin
