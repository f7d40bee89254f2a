#include "plugin/telemetry/telemetry_hub.hpp"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <ctime>

namespace tempoload::plugin {
namespace {

std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);  // the clock the loop stamps samples with
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

TelemetryHub::TelemetryHub(SampleTap& tap, TelemetryHubOptions options)
    : tap_(tap), options_(options) {
  scratch_.reserve(SampleTap::kCapacity);
}

TelemetryHub::~TelemetryHub() { stop(); }

void TelemetryHub::start() {
  std::lock_guard lock(run_mutex_);
  if (running_) return;
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void TelemetryHub::stop() {
  {
    std::lock_guard lock(run_mutex_);
    running_ = false;
  }
  run_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TelemetryHub::run() {
  pthread_setname_np(pthread_self(), "tempoload-telem");
  std::unique_lock lock(run_mutex_);
  while (running_) {
    lock.unlock();
    drain(monotonic_ns());
    lock.lock();
    run_cv_.wait_for(lock, std::chrono::nanoseconds(options_.poll_ns),
                     [this] { return !running_; });
  }
}

std::shared_ptr<TelemetrySubscription> TelemetryHub::subscribe(std::uint32_t batch_size,
                                                               std::int64_t max_delay_ns,
                                                               Ready ready) {
  SubscriptionOptions so;
  so.batch_size = std::max<std::uint32_t>(1, batch_size);
  so.max_delay_ns = max_delay_ns;
  so.max_queued_batches =
      std::max<std::size_t>(2, options_.queued_samples_per_subscriber / so.batch_size);
  std::lock_guard lock(mutex_);
  if (entries_.size() >= options_.max_subscribers) return nullptr;
  auto s = std::make_shared<TelemetrySubscription>(so, options_.kind);
  entries_.push_back({s, std::move(ready)});
  tap_.set_enabled(true);
  return s;
}

void TelemetryHub::unsubscribe(const TelemetrySubscription* subscription) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [&](const Entry& e) { return e.subscription.get() == subscription; });
  if (entries_.empty()) tap_.set_enabled(false);
}

void TelemetryHub::drain(std::int64_t now_ns) {
  std::lock_guard lock(mutex_);
  scratch_.clear();
  TelemetrySample s;
  while (scratch_.size() < SampleTap::kCapacity && tap_.pop(s)) scratch_.push_back(s);
  drained_.fetch_add(scratch_.size(), std::memory_order_relaxed);
  const std::uint64_t tap_dropped = tap_.dropped();
  for (auto& e : entries_) {
    bool queued = false;
    for (const auto& sample : scratch_) queued |= e.subscription->add(sample, tap_dropped);
    queued |= e.subscription->flush_if_due(now_ns, tap_dropped);
    if (queued && e.ready) e.ready();
  }
}

std::size_t TelemetryHub::subscribers() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace tempoload::plugin
