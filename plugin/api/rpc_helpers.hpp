// Small pieces every tempoload gRPC service uses: session ids, refused streams, unary finish.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <mutex>
#include <random>
#include <string>

#include "plugin/session/wall_clock.hpp"

namespace tempoload::plugin {

// "<machine>-<unix ms>-<8 hex>": unique across machines and restarts; also the report's
// idempotency key. Safe to call from any gRPC thread.
inline std::string new_session_id(const std::string& machine_id) {
  static std::mutex mutex;
  static std::mt19937_64 rng{std::random_device{}()};
  unsigned random = 0;
  {
    std::lock_guard lock(mutex);
    random = static_cast<unsigned>(rng() & 0xffffffffu);
  }
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", random);
  return machine_id + "-" + std::to_string(unix_ms()) + "-" + suffix;
}

// A server stream refused before it starts.
template <typename Event>
class RejectedStream final : public grpc::ServerWriteReactor<Event> {
 public:
  explicit RejectedStream(grpc::Status status) { this->Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

inline grpc::ServerUnaryReactor* finish(grpc::CallbackServerContext* ctx, grpc::Status status) {
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(std::move(status));
  return reactor;
}

}  // namespace tempoload::plugin
