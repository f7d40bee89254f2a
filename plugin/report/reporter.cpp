#include "plugin/report/reporter.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "plugin/http/http_client.hpp"
#include "plugin/session/wall_clock.hpp"

namespace tempoload::plugin {
namespace {

constexpr const char* kSessionsTarget = "/api/v1/sessions";

}  // namespace

double backoff_delay_s(int attempts, double min_s, double max_s, double jitter) {
  const double exp = min_s * std::pow(2.0, std::max(0, attempts - 1));
  return std::min(exp, max_s) * std::clamp(jitter, 0.5, 1.0);
}

Reporter::Reporter(SessionStore& store, ReporterOptions options)
    : store_(store), options_(std::move(options)) {}

Reporter::~Reporter() { stop(); }

void Reporter::start() {
  if (options_.gym_url.empty()) {
    spdlog::warn("no gym server configured: reports stay in the outbox");
    return;
  }
  // Fail early on a malformed URL, with the URL in the message.
  http::HttpClient probe(options_.gym_url, http::HttpClientOptions{options_.timeout_s, options_.ca_file});
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void Reporter::stop() {
  {
    std::lock_guard lock(mutex_);
    running_ = false;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Reporter::notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_all();
}

void Reporter::run() {
  while (running_) {
    bool sent = false;
    try {
      sent = send_next();
    } catch (const std::exception& e) {
      spdlog::error("reporter: {}", e.what());
    }
    if (sent) continue;
    // Sleep until the next entry is due (at most 1 s, so a clock change is noticed) or woken.
    std::int64_t wait_ms = 1000;
    try {
      if (auto next = store_.next_attempt_time()) wait_ms = std::clamp<std::int64_t>(*next - unix_ms(), 0, 1000);
    } catch (const std::exception&) {
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(wait_ms),
                   [this] { return notified_ || !running_; });
    notified_ = false;
  }
}

bool Reporter::send_next() {
  auto entry = store_.next_due(unix_ms());
  if (!entry) return false;
  http::HttpClient client(options_.gym_url,
                          http::HttpClientOptions{options_.timeout_s, options_.ca_file});
  const auto result = client.post_json(kSessionsTarget, entry->body,
                                       {{"Idempotency-Key", entry->idempotency_key}});
  const int attempt = entry->attempts + 1;
  const int status = result.ok ? result.response.status : 0;
  if (result.ok && status >= 200 && status < 300) {
    store_.mark_delivered(entry->id, unix_ms());
    ++delivered_;
    spdlog::info("report {} delivered to the gym server (HTTP {}, attempt {})",
                 entry->idempotency_key, status, attempt);
    return true;
  }
  const bool permanent = result.ok && status >= 400 && status < 500 && status != 408 &&
                         status != 429;
  std::string error = result.ok ? "HTTP " + std::to_string(status) + ": " +
                                      result.response.body.substr(0, 200)
                                : result.error;
  ++failed_attempts_;
  if (permanent) {
    store_.mark_rejected(entry->id, error);
    spdlog::error("report {} rejected by the gym server, kept for an operator: {}",
                  entry->idempotency_key, error);
    return true;
  }
  double delay = backoff_delay_s(attempt, options_.min_backoff_s, options_.max_backoff_s,
                                 std::uniform_real_distribution<double>(0.5, 1.0)(rng_));
  if (result.ok && result.response.retry_after_s)
    delay = std::max(delay, std::min(*result.response.retry_after_s, options_.max_backoff_s));
  store_.mark_retry(entry->id, unix_ms() + static_cast<std::int64_t>(delay * 1000), error);
  spdlog::warn("report {} not delivered (attempt {}): {}; retry in {:.1f} s",
               entry->idempotency_key, attempt, error, delay);
  return false;
}

}  // namespace tempoload::plugin
