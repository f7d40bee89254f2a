// How the plugin's gRPC server listens: as a plain daemon (--listen, plaintext, a
// "tempoload-plugin listening on HOST:PORT" line on stdout) or launched by a go-plugin host
// (127.0.0.1 in the host's port range, AutoMTLS when asked, the handshake line on stdout,
// health service "plugin" SERVING, plugin.GRPCController and plugin.GRPCBroker).
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "plugin/auth/rate_limiter.hpp"

namespace tempoload::plugin {

class TokenStore;

struct ListenerConfig {
  bool daemon = false;           // --daemon: no go-plugin handshake
  std::string listen;            // daemon mode's host:port (port 0: any free)
  std::function<void()> on_host_shutdown;  // plugin.GRPCController/Shutdown
  // Remote listener for coaches and operators: TLS, and every call authenticated with a bearer
  // token from `tokens` and checked against the role table (plugin/auth). "" = none.
  std::string tls_listen;
  std::string tls_cert_file;  // PEM certificate chain of this machine
  std::string tls_key_file;   // PEM private key
  TokenStore* tokens = nullptr;
  // Bounds on every listener (docs/security.md, "limits").
  RateLimit rate_limit;                 // remote listener: requests per caller
  int max_message_bytes = 256 * 1024;   // largest request; larger: RESOURCE_EXHAUSTED
  int max_streams_per_connection = 64;  // concurrent calls on one HTTP/2 connection
};

// Refuses (std::runtime_error with a message for the person who ran it) when started neither
// as a daemon nor by a go-plugin host with our magic cookie, or when the host offers no
// protocol version we speak.
void check_launch(const ListenerConfig& config);

class GrpcListener {
 public:
  explicit GrpcListener(ListenerConfig config);
  ~GrpcListener();

  // Registers `services`, starts the server and prints the stdout line. Throws when it cannot
  // listen.
  void start(const std::vector<grpc::Service*>& services);
  void shutdown(std::chrono::system_clock::time_point deadline);
  std::string address() const { return address_; }
  std::string tls_address() const { return tls_address_; }

 private:
  struct HostServices;
  ListenerConfig config_;
  std::unique_ptr<HostServices> host_services_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::string tls_address_;
};

}  // namespace tempoload::plugin
