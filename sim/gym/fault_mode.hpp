// Fault injection for the gym server: the first N POST requests misbehave in one chosen way, so
// that the plugin's reporter can be tested against a failing server.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tempoload::gym {

enum class FaultMode {
  kNone,
  k500,      // 500 {"error": "injected fault: ..."}, nothing stored
  k429,      // 429 with Retry-After: 1, nothing stored
  kGarbage,  // "HTTP/1.1 200 OK" then bytes that are not HTTP, then close; nothing stored
  kSlow,     // the request IS processed (stored), then the reply body trickles over slow_seconds
  kClose,    // the request is read, then the connection is closed without a reply; nothing stored
};

// "none", "500", "429", "garbage", "slow", "close".
std::optional<FaultMode> parse_fault_mode(std::string_view text);
std::string to_string(FaultMode mode);

// Counts POSTs; single-threaded (the server's io_context thread).
class FaultInjector {
 public:
  FaultInjector(FaultMode mode, int count) : mode_(mode), remaining_(count > 0 ? count : 0) {}
  // The fault to apply to the next POST (kNone once N have misbehaved).
  FaultMode next_post() {
    if (mode_ == FaultMode::kNone || remaining_ == 0) return FaultMode::kNone;
    --remaining_;
    ++injected_;
    return mode_;
  }
  int injected() const { return injected_; }

 private:
  FaultMode mode_;
  int remaining_;
  int injected_ = 0;
};

}  // namespace tempoload::gym
