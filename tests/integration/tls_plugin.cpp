#include "tests/integration/tls_plugin.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace tempoload::testing {
namespace {

using std::chrono::seconds;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

bool TlsPlugin::make_certificate() const {
  const auto d = stack_.dir();
  const std::string openssl =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
      "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
      (d / "key.pem").string() + " -out " + (d / "cert.pem").string() + " 2>/dev/null";
  return std::system(openssl.c_str()) == 0;
}

std::string TlsPlugin::issue(std::vector<std::string> args) const {
  args.insert(args.begin(), {TEMPOLOAD_CTL_BIN, "token", "issue", "--tokens", tokens()});
  ChildProcess p(args, (stack_.dir() / "ctl.log").string());
  std::string out = p.read_stdout(seconds(10));
  p.wait_exit(seconds(5));
  return out.substr(0, out.find('\n'));
}

bool TlsPlugin::start() {
  const auto d = stack_.dir();
  plugin_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{TEMPOLOAD_PLUGIN_BIN,
                               "--daemon",
                               "--no-realtime",
                               "--map",
                               TEMPOLOAD_MAP,
                               "--modbus",
                               "127.0.0.1:" + std::to_string(stack_.sim_port()),
                               "--db",
                               stack_.plugin_db().string(),
                               "--machine-id",
                               "calf-it-1",
                               "--listen",
                               "127.0.0.1:0",
                               "--tls-listen",
                               "127.0.0.1:0",
                               "--tls-cert",
                               (d / "cert.pem").string(),
                               "--tls-key",
                               (d / "key.pem").string(),
                               "--tokens",
                               tokens()},
      (d / "plugin.log").string());
  plain_port_ = plugin_->wait_for_port(seconds(15));
  tls_port_ = plugin_->wait_for_port(seconds(15), "tls listening on");
  return plain_port_ > 0 && tls_port_ > 0;
}

std::shared_ptr<grpc::Channel> TlsPlugin::channel(const std::string& token) const {
  grpc::SslCredentialsOptions opts;
  opts.pem_root_certs = slurp(cert());
  auto creds = grpc::SslCredentials(opts);
  if (!token.empty())
    creds = grpc::CompositeChannelCredentials(creds, grpc::AccessTokenCredentials(token));
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(tls_port_), creds);
}

TlsPlugin::CtlResult TlsPlugin::ctl(std::vector<std::string> args, const std::string& token,
                                    bool tls) const {
  args.insert(args.begin(), TEMPOLOAD_CTL_BIN);
  if (tls) {
    args.insert(args.end(),
                {"--server", "127.0.0.1:" + std::to_string(tls_port_), "--ca-file", cert()});
    if (!token.empty()) args.insert(args.end(), {"--token", token});
  }
  ChildProcess p(args, (stack_.dir() / "ctl.log").string(), {"TEMPOLOAD_TOKEN="});
  CtlResult r;
  r.out = p.read_stdout(seconds(15));
  const int status = p.wait_exit(seconds(5));
  r.exit_code = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace tempoload::testing
