// How tempoloadctl's coach and operator commands reach a plugin: TLS with the machine's CA
// (--ca-file) and a bearer token (--token or TEMPOLOAD_TOKEN), or plaintext to a loopback
// daemon (no --ca-file: the machine's own host, no token). Exit codes shared by those commands
// (docs/coach-operator.md).
#pragma once

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "plugin/ctl/exit_codes.hpp"

namespace tempoload::ctl {

inline constexpr int kRemoteOk = kExitOk;
inline constexpr int kRemoteUsage = kExitUsage;
inline constexpr int kRemoteRefused = kExitRefused;
inline constexpr int kRemoteNotFound = kExitNotFound;
inline constexpr int kRemoteUnreachable = kExitUnreachable;
inline constexpr int kRemoteServerError = kExitFailed;

struct RemoteArgs {
  std::string server = "127.0.0.1:50051";  // host:port
  std::string ca_file;                     // PEM; "" = plaintext (loopback only)
  std::string token;                       // "" = $TEMPOLOAD_TOKEN
  double timeout_s = 10;
  bool json = false;
};

// Adds --server, --ca-file, --token, --timeout and --json to `cmd`.
void add_remote_options(CLI::App* cmd, RemoteArgs& args);

// Throws std::invalid_argument naming the option (plaintext to a non-loopback server, a token
// without TLS, an unreadable CA file).
std::shared_ptr<grpc::Channel> remote_channel(const RemoteArgs& args);

// A context with the deadline of --timeout.
std::unique_ptr<grpc::ClientContext> remote_context(const RemoteArgs& args);

// Prints "<what>: <message> (<CODE>)" to stderr and returns the exit code for it.
int remote_error(const char* what, const grpc::Status& status);

// Protobuf's JSON mapping, indented, default values printed.
std::string to_json(const google::protobuf::Message& m);

}  // namespace tempoload::ctl

namespace tempoload::ctl {

// "2026-11-21" -> unix ms at 00:00 UTC; "" -> 0. Throws std::invalid_argument naming `flag`.
std::int64_t parse_day_ms(const std::string& flag, const std::string& day);
// unix ms -> "2026-11-21T10:47:03Z"; 0 -> "-".
std::string utc_text(std::int64_t unix_ms);

}  // namespace tempoload::ctl
