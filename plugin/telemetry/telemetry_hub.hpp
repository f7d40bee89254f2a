// Telemetry fan-out: one thread drains the loop's tap and hands every sample to every
// subscriber's batch (TelemetrySubscription). The number of subscribers is bounded. The tap is
// enabled only while somebody subscribes, so without subscribers the loop pays one relaxed load.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "plugin/telemetry/sample_tap.hpp"
#include "plugin/telemetry/telemetry_subscription.hpp"

namespace tempoload::plugin {

struct TelemetryHubOptions {
  std::size_t max_subscribers = 128;
  // Each subscriber's queue holds about this many samples (4 s at 1 kHz), at least 2 batches.
  std::size_t queued_samples_per_subscriber = 4096;
  drivers::MachineKind kind = drivers::MachineKind::kCalfRaise;  // which columns are filled
  std::int64_t poll_ns = 1'000'000;  // the fan-out thread drains the tap this often [ns]
};

class TelemetryHub {
 public:
  using Ready = std::function<void()>;

  TelemetryHub(SampleTap& tap, TelemetryHubOptions options);
  ~TelemetryHub();  // stops the thread

  void start();  // the fan-out thread ("tempoload-telem")
  void stop();

  // Any thread. `batch_size` and `max_delay_ns` come from the request; the queue bound from the
  // hub's options. `ready` is called on the fan-out thread each time a batch is queued; it must
  // not block. Null when max_subscribers streams are open.
  std::shared_ptr<TelemetrySubscription> subscribe(std::uint32_t batch_size,
                                                   std::int64_t max_delay_ns, Ready ready);
  // After it returns, `ready` of that subscription is never called again.
  void unsubscribe(const TelemetrySubscription* subscription);

  // One fan-out step, at monotonic time `now_ns`: drains the tap into every subscriber's batch,
  // queues full batches and those older than their delay. The thread calls it every poll_ns;
  // tests call it directly (without start()).
  void drain(std::int64_t now_ns);

  std::size_t subscribers() const;
  std::uint64_t tap_dropped() const { return tap_.dropped(); }
  std::uint64_t samples_drained() const { return drained_.load(std::memory_order_relaxed); }
  const TelemetryHubOptions& options() const { return options_; }

 private:
  struct Entry {
    std::shared_ptr<TelemetrySubscription> subscription;
    Ready ready;
  };
  void run();

  SampleTap& tap_;
  const TelemetryHubOptions options_;
  mutable std::mutex mutex_;  // subscribers and the drain (serialises drain with unsubscribe)
  std::vector<Entry> entries_;
  std::vector<TelemetrySample> scratch_;  // drained samples, reused every step
  std::atomic<std::uint64_t> drained_{0};
  std::mutex run_mutex_;
  std::condition_variable run_cv_;
  bool running_ = false;
  std::thread thread_;
};

}  // namespace tempoload::plugin
