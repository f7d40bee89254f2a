#include "plugin/auth/rate_limiter.hpp"

#include <algorithm>

namespace tempoload::plugin {

bool RateLimiter::allow(const std::string& caller, double now_s) {
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(caller);
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxCallers) {
      // Forget callers whose buckets have refilled: they lose nothing by it.
      for (auto b = buckets_.begin(); b != buckets_.end();) {
        const double refilled =
            b->second.tokens + (now_s - b->second.updated_s) * limit_.per_second;
        b = refilled >= limit_.burst ? buckets_.erase(b) : std::next(b);
      }
    }
    it = buckets_.emplace(caller, Bucket{limit_.burst, now_s}).first;
  }
  Bucket& b = it->second;
  const double elapsed_s = std::max(0.0, now_s - b.updated_s);
  b.tokens = std::min(limit_.burst, b.tokens + elapsed_s * limit_.per_second);
  b.updated_s = std::max(b.updated_s, now_s);
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace tempoload::plugin
