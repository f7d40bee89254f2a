// Requests per caller on the remote listener: a token bucket per caller id (rate r per second,
// burst b). A caller over the limit is refused with RESOURCE_EXHAUSTED before any handler
// runs, so one runaway script cannot starve the others or the machine's host. Time is passed
// in [s, monotonic] so tests drive it without a clock.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace tempoload::plugin {

struct RateLimit {
  double per_second = 20.0;  // sustained requests per second per caller
  double burst = 40.0;       // requests a caller may make at once after a quiet spell
};

class RateLimiter {
 public:
  static constexpr std::size_t kMaxCallers = 4096;  // buckets kept; full ones are forgotten

  explicit RateLimiter(RateLimit limit) : limit_(limit) {}

  // Takes one request for `caller` at `now_s`. False when the caller is over the limit.
  bool allow(const std::string& caller, double now_s);
  const RateLimit& limit() const { return limit_; }

 private:
  struct Bucket {
    double tokens = 0;
    double updated_s = 0;
  };
  RateLimit limit_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace tempoload::plugin
