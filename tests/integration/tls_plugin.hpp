// A plugin daemon with its TLS listener and caller tokens, on a Stack's simulator: the common
// setup of the Coach and Operator tests. The certificate is made with openssl at test time and
// the tokens are issued with the real tempoloadctl.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/stack.hpp"

namespace tempoload::testing {

class TlsPlugin {
 public:
  explicit TlsPlugin(const Stack& stack) : stack_(stack) {}

  bool make_certificate() const;                           // false when openssl failed
  std::string issue(std::vector<std::string> args) const;  // `token issue` args -> the token
  bool start();  // after the simulator; false when a listener did not come up

  int plain_port() const { return plain_port_; }
  int tls_port() const { return tls_port_; }
  std::string tokens() const { return (stack_.dir() / "tokens.json").string(); }
  std::string cert() const { return (stack_.dir() / "cert.pem").string(); }
  std::string log_tail() const { return plugin_ ? plugin_->log_tail() : ""; }
  // A TLS channel to the plugin carrying `token` ("" = none).
  std::shared_ptr<grpc::Channel> channel(const std::string& token) const;

  struct CtlResult {
    int exit_code = -1;
    std::string out;
  };
  // tempoloadctl `args` against the TLS listener with `token` ("" = none); tls false: no
  // --server (the command's default, or args name it).
  CtlResult ctl(std::vector<std::string> args, const std::string& token, bool tls = true) const;

 private:
  const Stack& stack_;
  std::unique_ptr<ChildProcess> plugin_;
  int plain_port_ = 0;
  int tls_port_ = 0;
};

}  // namespace tempoload::testing
