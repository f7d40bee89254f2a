#include "plugin/report/reporter.hpp"

#include <google/protobuf/util/json_util.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "plugin/http/http_client.hpp"
#include "plugin/session/wall_clock.hpp"

namespace tempoload::plugin {
namespace {

constexpr int kMaxConcurrency = 8;

// Warn on the first attempts and then on powers of two, so a long outage with thousands of
// queued entries does not flood the log.
bool worth_a_warning(int attempt) { return attempt <= 3 || (attempt & (attempt - 1)) == 0; }

}  // namespace

double backoff_delay_s(int attempts, double min_s, double max_s, double jitter) {
  const double exp = min_s * std::pow(2.0, std::max(0, attempts - 1));
  return std::min(exp, max_s) * std::clamp(jitter, 0.5, 1.0);
}

Reporter::Reporter(SessionStore& store, ReporterOptions options, PrescriptionStore* prescriptions)
    : store_(store), options_(std::move(options)), prescriptions_(prescriptions) {}

Reporter::~Reporter() { stop(); }

void Reporter::start() {
  if (options_.gym_url.empty()) {
    spdlog::warn("no gym server configured: reports stay in the outbox");
    return;
  }
  if (options_.concurrency < 1 || options_.concurrency > kMaxConcurrency)
    throw std::invalid_argument("report concurrency must be in [1, " +
                                std::to_string(kMaxConcurrency) + "], got " +
                                std::to_string(options_.concurrency));
  if (!(options_.min_backoff_s > 0) || !(options_.max_backoff_s >= options_.min_backoff_s))
    throw std::invalid_argument("report backoff: need 0 < min <= max, got min " +
                                std::to_string(options_.min_backoff_s) + " s, max " +
                                std::to_string(options_.max_backoff_s) + " s");
  // Fail early on a malformed URL or CA file, with the reason in the message.
  http::HttpClient probe(options_.gym_url,
                         http::HttpClientOptions{options_.timeout_s, options_.ca_file});
  running_ = true;
  for (int i = 0; i < options_.concurrency; ++i) threads_.emplace_back([this] { run(); });
}

void Reporter::stop() {
  {
    std::lock_guard lock(mutex_);
    running_ = false;
  }
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void Reporter::notify() {
  {
    std::lock_guard lock(mutex_);
    ++generation_;
  }
  wake_.notify_all();
}

double Reporter::jitter() {
  std::lock_guard lock(mutex_);
  return std::uniform_real_distribution<double>(0.5, 1.0)(rng_);
}

std::optional<OutboxEntry> Reporter::claim() {
  std::lock_guard lock(mutex_);
  auto entry = store_.next_due(unix_ms(), in_flight_);
  if (entry) in_flight_.push_back(entry->id);
  return entry;
}

void Reporter::release(std::int64_t id) {
  std::lock_guard lock(mutex_);
  in_flight_.erase(std::remove(in_flight_.begin(), in_flight_.end(), id), in_flight_.end());
}

void Reporter::run() {
  // One client per thread (HttpClient is not thread-safe); each request is its own connection.
  http::HttpClient client(options_.gym_url,
                          http::HttpClientOptions{options_.timeout_s, options_.ca_file});
  std::uint64_t seen_generation = 0;
  while (running_) {
    std::optional<OutboxEntry> entry;
    try {
      entry = claim();
    } catch (const std::exception& e) {
      spdlog::error("reporter: reading the outbox: {}", e.what());
    }
    if (entry) {
      try {
        std::string error;
        const auto request = delivery_request(*entry, error);
        http::HttpResult result;
        if (!request) {
          store_.mark_rejected(entry->id, error);
          spdlog::error("outbox entry {} rejected before sending: {}", entry->idempotency_key,
                        error);
        } else {
          const http::HttpHeaders headers{{"Idempotency-Key", entry->idempotency_key}};
          result = request->put ? client.put_json(request->target, entry->body, headers)
                                : client.post_json(request->target, entry->body, headers);
          after_delivery(*entry, result);
        }
      } catch (const std::exception& e) {
        spdlog::error("reporter: {}: {}", entry->idempotency_key, e.what());
      }
      release(entry->id);
      continue;
    }
    // Nothing due: sleep until the next entry is due (at most 1 s, so a clock change is
    // noticed) or until notify().
    std::int64_t wait_ms = 1000;
    try {
      if (auto next = store_.next_attempt_time())
        wait_ms = std::clamp<std::int64_t>(*next - unix_ms(), 10, 1000);
    } catch (const std::exception&) {
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(wait_ms),
                   [&] { return generation_ != seen_generation || !running_; });
    seen_generation = generation_;
  }
}

void Reporter::after_delivery(const OutboxEntry& entry, const http::HttpResult& result) {
  const DeliveryOutcome outcome = classify_delivery(entry, result);
  const int attempt = entry.attempts + 1;
  const auto now = unix_ms();
  switch (outcome.verdict) {
    case DeliveryVerdict::kDelivered: {
      store_.mark_delivered(entry.id, now, outcome.http_status);
      ++delivered_;
      spdlog::info("{} {} delivered to the gym server (HTTP {}, attempt {})", entry.kind,
                   entry.idempotency_key, outcome.http_status, attempt);
      if (entry.kind == kKindSessionReport && options_.prune_samples_after_upload)
        store_.prune_samples(entry.idempotency_key, now);
      if (entry.kind == kKindPrescriptionChange && prescriptions_) {
        tempoload::v1::AssignedPrescription accepted;
        google::protobuf::util::JsonParseOptions options;
        options.ignore_unknown_fields = true;
        if (google::protobuf::util::JsonStringToMessage(result.response.body, &accepted, options)
                .ok() &&
            accepted.version() > 0)
          prescriptions_->confirm_edit(entry.idempotency_key, accepted, now);
      }
      bool was_down = false;
      {
        std::lock_guard lock(mutex_);
        std::swap(was_down, server_was_down_);
      }
      if (was_down) {
        const int n =
            store_.with_db([&](Database& db) { return outbox_retry_unreachable_now(db, now); });
        if (n > 0) spdlog::info("gym server reachable again: {} waiting entries are due now", n);
        notify();
      }
      return;
    }
    case DeliveryVerdict::kRejected:
      ++failed_attempts_;
      store_.mark_rejected(entry.id, outcome.error, outcome.http_status);
      spdlog::error("{} {} rejected by the gym server, kept for an operator: {}", entry.kind,
                    entry.idempotency_key, outcome.error);
      return;
    case DeliveryVerdict::kConflict:
      ++failed_attempts_;
      store_.mark_conflict(entry.id, outcome.error, outcome.http_status);
      if (prescriptions_) prescriptions_->mark_conflict(entry.idempotency_key, outcome.error, now);
      spdlog::warn(
          "prescription change {} refused as made from an outdated version; kept for a "
          "coach to resolve: {}",
          entry.idempotency_key, outcome.error);
      return;
    case DeliveryVerdict::kRetry:
      break;
  }
  ++failed_attempts_;
  if (outcome.http_status == 0) {
    std::lock_guard lock(mutex_);
    server_was_down_ = true;
  }
  double delay = backoff_delay_s(attempt, options_.min_backoff_s, options_.max_backoff_s, jitter());
  if (outcome.retry_after_s)
    delay = std::max(delay, std::min(*outcome.retry_after_s, options_.max_backoff_s));
  store_.mark_retry(entry.id, now + static_cast<std::int64_t>(delay * 1000), outcome.error,
                    outcome.http_status);
  if (worth_a_warning(attempt))
    spdlog::warn("{} {} not delivered (attempt {}): {}; retry in {:.1f} s", entry.kind,
                 entry.idempotency_key, attempt, outcome.error, delay);
}

}  // namespace tempoload::plugin
