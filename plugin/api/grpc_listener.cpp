#include "plugin/api/grpc_listener.hpp"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "plugin/api/go_plugin.hpp"
#include "plugin/auth/token_auth_processor.hpp"

namespace tempoload::plugin {

struct GrpcListener::HostServices {
  explicit HostServices(std::function<void()> shutdown) : controller(std::move(shutdown)) {}
  GrpcControllerService controller;
  GrpcBrokerService broker;
};

namespace {

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(std::string(what) + ": cannot read '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// TLS for the remote listener, with bearer-token authentication on every call.
std::shared_ptr<grpc::ServerCredentials> remote_credentials(const ListenerConfig& c,
                                                            RateLimiter* limiter) {
  if (c.tls_cert_file.empty() || c.tls_key_file.empty() || !c.tokens)
    throw std::runtime_error("--tls-listen needs --tls-cert, --tls-key and --tokens");
  grpc::SslServerCredentialsOptions opts(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  opts.pem_key_cert_pairs.push_back(
      {read_file(c.tls_key_file, "--tls-key"), read_file(c.tls_cert_file, "--tls-cert")});
  auto creds = grpc::SslServerCredentials(opts);
  creds->SetAuthMetadataProcessor(std::make_shared<TokenAuthProcessor>(*c.tokens, limiter));
  return creds;
}

}  // namespace

void check_launch(const ListenerConfig& config) {
  if (config.daemon) return;
  if (!launched_by_plugin_host(std::getenv(kMagicCookieKey)))
    throw std::runtime_error(
        "this is a go-plugin plugin: a plugin host launches it (with the " +
        std::string(kMagicCookieKey) +
        " magic cookie). To run it on its own as a plain daemon, pass --daemon.");
  std::string error;
  if (!negotiate_app_version(std::getenv("PLUGIN_PROTOCOL_VERSIONS"), error))
    throw std::runtime_error(error);
}

GrpcListener::GrpcListener(ListenerConfig config) : config_(std::move(config)) {}

GrpcListener::~GrpcListener() = default;

void GrpcListener::start(const std::vector<grpc::Service*>& services) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  std::string cert_b64;
  int app_version = 1;
  std::vector<std::string> candidates;  // addresses to try, in order
  if (config_.daemon) {
    candidates.push_back(config_.listen);
  } else {
    std::string error;
    app_version = *negotiate_app_version(std::getenv("PLUGIN_PROTOCOL_VERSIONS"), error);
    if (const char* client_cert = std::getenv("PLUGIN_CLIENT_CERT"); client_cert && *client_cert) {
      auto mtls = make_auto_mtls(client_cert);
      credentials = mtls.credentials;
      cert_b64 = mtls.server_cert_der_b64;
    }
    const auto [lo, hi] = port_range(std::getenv("PLUGIN_MIN_PORT"), std::getenv("PLUGIN_MAX_PORT"));
    if (lo == 0) candidates.push_back("127.0.0.1:0");
    for (int p = lo; lo != 0 && p <= hi && candidates.size() < 64; ++p)
      candidates.push_back("127.0.0.1:" + std::to_string(p));
    host_services_ = std::make_unique<HostServices>(config_.on_host_shutdown);
  }

  std::shared_ptr<grpc::ServerCredentials> remote;
  if (!config_.tls_listen.empty()) {
    limiter_ = std::make_unique<RateLimiter>(config_.rate_limit);
    remote = remote_credentials(config_, limiter_.get());
  }

  for (const auto& candidate : candidates) {
    grpc::ServerBuilder builder;
    int port = 0;
    int tls_port = 0;
    builder.AddListeningPort(candidate, credentials, &port);
    if (remote) builder.AddListeningPort(config_.tls_listen, remote, &tls_port);
    builder.SetMaxReceiveMessageSize(config_.max_message_bytes);
    builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                               config_.max_streams_per_connection);
    for (auto* s : services) builder.RegisterService(s);
    if (host_services_) {
      builder.RegisterService(&host_services_->controller);
      builder.RegisterService(&host_services_->broker);
    }
    server_ = builder.BuildAndStart();
    if (server_ && port != 0 && (!remote || tls_port != 0)) {
      address_ = candidate.substr(0, candidate.rfind(':')) + ":" + std::to_string(port);
      if (remote)
        tls_address_ = config_.tls_listen.substr(0, config_.tls_listen.rfind(':')) + ":" +
                       std::to_string(tls_port);
      break;
    }
    server_.reset();
  }
  if (!server_) throw std::runtime_error("cannot listen on " + candidates.front());

  server_->GetHealthCheckService()->SetServingStatus("plugin", true);
  // A go-plugin host reads exactly one line from stdout: the handshake.
  if (config_.daemon)
    std::cout << "tempoload-plugin listening on " << address_ << std::endl;
  else
    std::cout << handshake_line(app_version, address_, cert_b64) << std::endl;
  if (remote) {
    if (config_.daemon) std::cout << "tempoload-plugin tls listening on " << tls_address_ << std::endl;
    spdlog::info("remote gRPC (TLS, bearer tokens) on {}", tls_address_);
  }
  spdlog::info("gRPC on {}{}", address_,
               config_.daemon ? " (daemon)"
                              : (cert_b64.empty() ? " (go-plugin host, plaintext)"
                                                  : " (go-plugin host, AutoMTLS)"));
}

void GrpcListener::shutdown(std::chrono::system_clock::time_point deadline) {
  if (server_) server_->Shutdown(deadline);
}

}  // namespace tempoload::plugin
