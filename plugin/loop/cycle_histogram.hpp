// Fixed-size histogram of durations in microseconds, written by the control loop (relaxed
// atomics, no allocation after construction) and read by any thread for percentiles.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace tempoload::plugin {

class CycleHistogram {
 public:
  static constexpr std::uint32_t kMaxUs = 20000;  // longer durations land in the last bucket

  CycleHistogram() : buckets_(new std::atomic<std::uint64_t>[kMaxUs + 1]) { reset(); }

  void record_ns(std::int64_t ns) {
    auto us = ns <= 0 ? 0u : static_cast<std::uint32_t>(ns / 1000);
    if (us > kMaxUs) us = kMaxUs;
    buckets_[us].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    std::int64_t prev = max_ns_.load(std::memory_order_relaxed);
    while (ns > prev && !max_ns_.compare_exchange_weak(prev, ns, std::memory_order_relaxed)) {
    }
  }

  void reset() {
    for (std::uint32_t i = 0; i <= kMaxUs; ++i) buckets_[i].store(0, std::memory_order_relaxed);
    count_.store(0, std::memory_order_relaxed);
    max_ns_.store(0, std::memory_order_relaxed);
  }

  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double max_us() const { return max_ns_.load(std::memory_order_relaxed) / 1000.0; }

  // The q-quantile (0..1) in microseconds, to 1 us resolution; 0 when empty.
  double percentile_us(double q) const {
    const std::uint64_t n = count();
    if (n == 0) return 0;
    const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(n - 1));
    std::uint64_t seen = 0;
    for (std::uint32_t i = 0; i <= kMaxUs; ++i) {
      seen += buckets_[i].load(std::memory_order_relaxed);
      if (seen > rank) return i;
    }
    return kMaxUs;
  }

 private:
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::int64_t> max_ns_{0};
};

}  // namespace tempoload::plugin
