// Launch by a real HashiCorp go-plugin host (tests/goplugin/host.go, built from Debian's
// golang-github-hashicorp-go-plugin-dev): handshake, Ping, a tempoload call, Kill; with and
// without AutoMTLS. And the refusals when nobody who knows the cookie launched the plugin.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include "tests/integration/stack.hpp"

namespace tempoload::testing {
namespace {

using std::chrono::seconds;

std::vector<std::string> plugin_args(Stack& stack) {
  return {TEMPOLOAD_PLUGIN_BIN, "--map",  TEMPOLOAD_MAP,
          "--modbus",           "127.0.0.1:" + std::to_string(stack.sim_port()),
          "--db",               (stack.dir() / "plugin.db").string(),
          "--no-realtime"};
}

struct HostRun {
  int exit_code;
  std::string out;
  std::string log;
};

HostRun run_host(Stack& stack, bool auto_mtls) {
  std::vector<std::string> argv{TEMPOLOAD_GOPLUGIN_HOST_BIN};
  if (auto_mtls) argv.push_back("-automtls");
  argv.push_back("--");
  for (auto& a : plugin_args(stack)) argv.push_back(a);
  ChildProcess host(argv, (stack.dir() / "host.log").string());
  HostRun r;
  r.out = host.read_stdout(seconds(60));
  const int status = host.wait_exit(seconds(10));
  r.exit_code = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.log = host.log_tail(4000);
  return r;
}

class GoPluginHost : public ::testing::TestWithParam<bool> {};

TEST_P(GoPluginHost, LaunchesPingsCallsAndKillsThePlugin) {
  Stack stack;
  ASSERT_TRUE(stack.start_sim()) << stack.logs();
  const HostRun r = run_host(stack, GetParam());
  EXPECT_EQ(r.exit_code, 0) << r.out << "\n--- host and plugin stderr ---\n" << r.log;
  EXPECT_NE(r.out.find("ok: launched, negotiated app protocol 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok: ping"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok: called tempoload.v1.GuidedSession/GetSessionReport"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("ok: killed (GRPCController.Shutdown), plugin exited"), std::string::npos)
      << r.out;
  if (GetParam()) {
    EXPECT_NE(r.log.find("(go-plugin host, AutoMTLS)"), std::string::npos)
        << "the plugin should say it serves mTLS:\n"
        << r.log;
  }
}

INSTANTIATE_TEST_SUITE_P(Transport, GoPluginHost, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "AutoMtls" : "Plaintext"; });

TEST(GoPluginLaunch, WithoutTheCookieOrDaemonFlagThePluginRefusesToStart) {
  Stack stack;
  ASSERT_TRUE(stack.start_sim());
  ChildProcess plugin(plugin_args(stack), (stack.dir() / "plugin.log").string(),
                      {"TEMPOLOAD_PLUGIN="});
  const int status = plugin.wait_exit(seconds(10));
  ASSERT_TRUE(status >= 0 && WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_NE(plugin.log_tail().find("pass --daemon"), std::string::npos) << plugin.log_tail();
}

TEST(GoPluginLaunch, NoCommonProtocolVersionIsRefusedWithTheReason) {
  Stack stack;
  ASSERT_TRUE(stack.start_sim());
  ChildProcess plugin(plugin_args(stack), (stack.dir() / "plugin.log").string(),
                      {"TEMPOLOAD_PLUGIN=b7f4c2e0-tempoload-calf-raise",
                       "PLUGIN_PROTOCOL_VERSIONS=2,3"});
  const int status = plugin.wait_exit(seconds(10));
  ASSERT_TRUE(status >= 0 && WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_NE(plugin.log_tail().find("no common app protocol version: host offers '2,3'"),
            std::string::npos)
      << plugin.log_tail();
}

}  // namespace
}  // namespace tempoload::testing
