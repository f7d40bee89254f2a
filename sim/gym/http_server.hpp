// The gym server's network side: a Boost.Beast HTTP/1.1 server (keep-alive) on 127.0.0.1 that
// feeds requests to handle_request() and injects the configured faults. One thread.
#pragma once

#include <cstdint>
#include <memory>

#include "sim/gym/fault_mode.hpp"
#include "sim/gym/report_store.hpp"

namespace tempoload::gym {

struct GymServerOptions {
  std::uint16_t port = 8080;  // 0 = ephemeral, see GymServer::port()
  bool quiet = false;         // no per-request log line on stderr
  FaultMode fail_mode = FaultMode::kNone;
  int fail_count = 1;            // how many POSTs misbehave
  double slow_seconds = 8.0;     // FaultMode::kSlow: time over which the reply body trickles [s]
  double idle_timeout_s = 30.0;  // a connection with no complete request for this long is closed
  bool stop_on_signals = false;  // SIGINT / SIGTERM call stop()
};

class GymServer {
 public:
  // Binds and listens on 127.0.0.1:port; throws std::runtime_error naming the address. The store
  // must outlive the server.
  GymServer(ReportStore& store, GymServerOptions options);
  // Destroy only while run() is not executing (e.g. after stop() and joining its thread).
  ~GymServer();
  GymServer(const GymServer&) = delete;
  GymServer& operator=(const GymServer&) = delete;

  std::uint16_t port() const;  // the bound port (the ephemeral one for port 0)

  // Serves on the calling thread until stop(); returns once every connection is closed.
  void run();
  // Thread-safe and idempotent: stops accepting and closes all connections.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tempoload::gym
