#include "plugin/ctl/remote_channel.hpp"

#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace tempoload::ctl {
namespace {

bool is_loopback(const std::string& server) {
  const std::string host = server.substr(0, server.rfind(':'));
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host == "::1";
}

const char* code_name(grpc::StatusCode c) {
  switch (c) {
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    default:
      return "error";
  }
}

}  // namespace

void add_remote_options(CLI::App* cmd, RemoteArgs& a) {
  cmd->add_option("--server", a.server, "plugin gRPC address host:port")->capture_default_str();
  cmd->add_option("--ca-file", a.ca_file,
                  "CA (PEM) of the plugin's TLS listener; without it: plaintext to a loopback "
                  "daemon");
  cmd->add_option("--token", a.token, "bearer token (default: $TEMPOLOAD_TOKEN)");
  cmd->add_option("--timeout", a.timeout_s, "per call [s]")->capture_default_str();
  cmd->add_flag("--json", a.json, "JSON output (protobuf JSON mapping)");
}

std::shared_ptr<grpc::Channel> remote_channel(const RemoteArgs& a) {
  std::string token = a.token;
  if (token.empty())
    if (const char* env = std::getenv("TEMPOLOAD_TOKEN")) token = env;
  if (a.ca_file.empty()) {
    if (!is_loopback(a.server))
      throw std::invalid_argument("--ca-file: required for " + a.server +
                                  " (plaintext only to a loopback daemon)");
    if (!a.token.empty())
      throw std::invalid_argument("--token: needs --ca-file (a token is never sent in plaintext)");
    return grpc::CreateChannel(a.server, grpc::InsecureChannelCredentials());
  }
  std::ifstream in(a.ca_file);
  if (!in) throw std::invalid_argument("--ca-file: cannot read '" + a.ca_file + "'");
  std::stringstream pem;
  pem << in.rdbuf();
  grpc::SslCredentialsOptions opts;
  opts.pem_root_certs = pem.str();
  auto creds = grpc::SslCredentials(opts);
  if (!token.empty())
    creds = grpc::CompositeChannelCredentials(creds, grpc::AccessTokenCredentials(token));
  return grpc::CreateChannel(a.server, creds);
}

std::unique_ptr<grpc::ClientContext> remote_context(const RemoteArgs& a) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(static_cast<long>(a.timeout_s * 1000)));
  return ctx;
}

int remote_error(const char* what, const grpc::Status& s) {
  std::cerr << what << ": " << s.error_message() << " (" << code_name(s.error_code()) << ")\n";
  switch (s.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::FAILED_PRECONDITION:
      return kRemoteRefused;
    case grpc::StatusCode::NOT_FOUND:
      return kRemoteNotFound;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return kRemoteUnreachable;
    default:
      return kRemoteServerError;
  }
}

std::string to_json(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions o;
  o.add_whitespace = true;
  o.always_print_primitive_fields = true;
  o.preserve_proto_field_names = false;
  (void)google::protobuf::util::MessageToJsonString(m, &out, o);
  return out;
}

}  // namespace tempoload::ctl

namespace tempoload::ctl {

std::int64_t parse_day_ms(const std::string& flag, const std::string& day) {
  if (day.empty()) return 0;
  std::tm tm{};
  const char* end = strptime(day.c_str(), "%Y-%m-%d", &tm);
  if (!end || *end != '\0')
    throw std::invalid_argument(flag + ": expected YYYY-MM-DD, got '" + day + "'");
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

std::string utc_text(std::int64_t unix_ms) {
  if (unix_ms == 0) return "-";
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace tempoload::ctl
