// Launch by HashiCorp go-plugin hosts (docs/plugin-hosts.md): the magic-cookie check, app
// protocol version negotiation, the handshake line on stdout, AutoMTLS credentials, and the
// plugin.GRPCController / plugin.GRPCBroker services hosts call.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "plugin/go_plugin.grpc.pb.h"

namespace tempoload::plugin {

inline constexpr const char* kMagicCookieKey = "TEMPOLOAD_PLUGIN";
inline constexpr const char* kMagicCookieValue = "b7f4c2e0-tempoload-calf-raise";
inline constexpr int kCoreProtocolVersion = 1;  // go-plugin's own protocol
inline const std::vector<int> kAppProtocolVersions{1};  // tempoload.v1

// True when the host set the magic cookie to our value.
bool launched_by_plugin_host(const char* cookie_env_value);

// The highest version both offer. `host_versions` is PLUGIN_PROTOCOL_VERSIONS ("1,2"; absent or
// empty means the host's legacy single version 1). Returns nullopt with `error` set when none.
std::optional<int> negotiate_app_version(const char* host_versions, std::string& error);

// TCP port range from PLUGIN_MIN_PORT / PLUGIN_MAX_PORT; {0, 0} (any free port) when unset.
std::pair<int, int> port_range(const char* min_env, const char* max_env);

// "CORE|APP|tcp|127.0.0.1:PORT|grpc|SERVER_CERT" where SERVER_CERT is the DER certificate in
// unpadded standard base64, or "" without AutoMTLS.
std::string handshake_line(int app_version, const std::string& address,
                           const std::string& server_cert_der_b64);

// A fresh self-signed ECDSA P-256 server certificate for "localhost" / 127.0.0.1 and the
// credentials that require the host's client certificate (PLUGIN_CLIENT_CERT, PEM).
struct AutoMtls {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  std::string server_cert_der_b64;
};
AutoMtls make_auto_mtls(const std::string& client_cert_pem);  // throws std::runtime_error

// plugin.GRPCController: Shutdown answers, then runs `shutdown` (which must not block long).
class GrpcControllerService final : public ::plugin::GRPCController::CallbackService {
 public:
  explicit GrpcControllerService(std::function<void()> shutdown);
  grpc::ServerUnaryReactor* Shutdown(grpc::CallbackServerContext* ctx, const ::plugin::Empty*,
                                     ::plugin::Empty*) override;

 private:
  std::function<void()> shutdown_;
};

// plugin.GRPCBroker: tempoload brokers no extra services; the stream is held open and drained.
class GrpcBrokerService final : public ::plugin::GRPCBroker::CallbackService {
 public:
  grpc::ServerBidiReactor<::plugin::ConnInfo, ::plugin::ConnInfo>* StartStream(
      grpc::CallbackServerContext* ctx) override;
};

}  // namespace tempoload::plugin
