// One telemetry subscriber's batching and bounded queue. The fan-out thread appends samples to
// the batch being built; a full batch, or one whose oldest sample is older than the delay, goes
// to the queue. When the queue is full the batch is dropped and its samples counted ("drop and
// count"): a slow client loses data, nobody else waits for it. The consumer (the gRPC stream)
// pops batches from another thread.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>

#include "drivers/signals.hpp"
#include "plugin/telemetry/sample_tap.hpp"
#include "tempoload/v1/telemetry.pb.h"

namespace tempoload::plugin {

struct SubscriptionOptions {
  std::uint32_t batch_size = 100;           // samples per batch
  std::int64_t max_delay_ns = 250'000'000;  // a partial batch is queued once this old [ns]
  std::size_t max_queued_batches = 40;      // more waiting batches are dropped
};

class TelemetrySubscription {
 public:
  // `kind` chooses the columns that are filled (the machine's own quantities).
  TelemetrySubscription(SubscriptionOptions options, drivers::MachineKind kind);

  // Fan-out thread. Both return true when a batch was queued (the consumer should be woken).
  // `tap_dropped` is the tap's drop count, stamped on a batch when it is closed.
  bool add(const TelemetrySample& sample, std::uint64_t tap_dropped);
  bool flush_if_due(std::int64_t now_ns, std::uint64_t tap_dropped);

  // Consumer: moves the oldest queued batch to `out`, stamped with this subscriber's drop count.
  // False when none is queued.
  bool pop(v1::SampleBatch& out);

  std::uint64_t dropped_samples() const;  // lost because the queue was full
  std::uint64_t closed_samples() const;   // samples in batches closed so far (queued or dropped)
  std::size_t queued_batches() const;
  const SubscriptionOptions& options() const { return options_; }

 private:
  bool close_batch(std::uint64_t tap_dropped);

  const SubscriptionOptions options_;
  const bool dynamometer_;
  v1::SampleBatch building_;  // fan-out thread only
  mutable std::mutex mutex_;  // guards the members below
  std::deque<v1::SampleBatch> queue_;
  std::uint64_t dropped_ = 0;
  std::uint64_t closed_ = 0;
};

}  // namespace tempoload::plugin
