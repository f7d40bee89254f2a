#include "plugin/api/telemetry_service.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <mutex>

#include "plugin/api/rpc_helpers.hpp"
#include "plugin/telemetry/stream_request.hpp"

namespace tempoload::plugin {
namespace {

// Unix time minus CLOCK_MONOTONIC (the samples' clock) [ns].
std::int64_t unix_offset_ns() {
  timespec mono{}, real{};
  clock_gettime(CLOCK_MONOTONIC, &mono);
  clock_gettime(CLOCK_REALTIME, &real);
  return (static_cast<std::int64_t>(real.tv_sec) - mono.tv_sec) * 1'000'000'000 +
         (real.tv_nsec - mono.tv_nsec);
}

// One StreamSamples call: writes its subscription's batches one at a time, as they are queued.
// Deletes itself when done.
class SampleStreamReactor final : public grpc::ServerWriteReactor<v1::SampleBatch> {
 public:
  SampleStreamReactor(TelemetryHub& hub, const StreamRequest& request, std::string peer)
      : hub_(hub), peer_(std::move(peer)) {
    // The hub may call ready() before subscribe() returns: it does nothing until sub_ is set,
    // and the batches it announced are picked up below.
    auto sub = hub_.subscribe(request.batch_size, request.max_delay_ns, [this] { ready(); });
    std::lock_guard lock(mutex_);
    sub_ = std::move(sub);
    if (!sub_) {
      finished_ = true;
      Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          "telemetry: " + std::to_string(hub_.options().max_subscribers) +
                              " streams are open, the most this plugin serves; retry later"));
      return;
    }
    spdlog::info("telemetry stream to {}: {} samples per batch, {} ms max delay", peer_,
                 request.batch_size, request.max_delay_ns / 1'000'000);
    write_next();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mutex_);
    writing_ = false;
    if (!ok) {  // the client went away
      finish(grpc::Status(grpc::StatusCode::CANCELLED, "stream closed by the client"));
      return;
    }
    ++batches_sent_;
    write_next();
  }

  void OnCancel() override {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    if (!writing_) finish(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    if (sub_) {
      hub_.unsubscribe(sub_.get());  // ready() is never called again
      spdlog::info("telemetry stream to {} ended: {} batches sent, {} samples dropped", peer_,
                   batches_sent_, sub_->dropped_samples());
    }
    delete this;
  }

 private:
  void ready() {
    std::lock_guard lock(mutex_);
    if (sub_ && !writing_) write_next();
  }

  // With mutex_ held.
  void write_next() {
    if (finished_ || cancelled_ || !sub_->pop(current_)) return;
    current_.set_unix_offset_ns(unix_offset_ns());
    writing_ = true;
    StartWrite(&current_);
  }

  void finish(grpc::Status status) {
    if (finished_) return;
    finished_ = true;
    Finish(std::move(status));
  }

  TelemetryHub& hub_;
  const std::string peer_;
  std::mutex mutex_;
  std::shared_ptr<TelemetrySubscription> sub_;
  v1::SampleBatch current_;  // being written
  bool writing_ = false;
  bool cancelled_ = false;
  bool finished_ = false;
  std::uint64_t batches_sent_ = 0;
};

}  // namespace

grpc::ServerWriteReactor<v1::SampleBatch>* TelemetryService::StreamSamples(
    grpc::CallbackServerContext* ctx, const v1::StreamSamplesRequest* request) {
  StreamRequest parsed;
  if (auto error = parse_stream_request(*request, parsed); !error.empty())
    return new RejectedStream<v1::SampleBatch>(
        grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, error));
  return new SampleStreamReactor(hub_, parsed, ctx->peer());
}

}  // namespace tempoload::plugin
