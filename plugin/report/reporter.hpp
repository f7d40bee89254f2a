// Sends the outbox to the gym server: oldest due first, up to `concurrency` uploads in flight,
// each with its idempotency key, retried with exponential backoff and jitter (and Retry-After)
// until the server takes it. The outbox lives in SQLite, so nothing is lost across outages or
// restarts; a delivery after an outage brings the other waiting entries forward.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "plugin/report/delivery.hpp"
#include "plugin/storage/prescription_store.hpp"
#include "plugin/storage/session_store.hpp"

namespace tempoload::plugin {

struct ReporterOptions {
  std::string gym_url;           // e.g. http://127.0.0.1:8080 or https://...; "" disables
  std::string ca_file;           // for https; "" = system CAs (verification is always on)
  double timeout_s = 5.0;        // one request, connect to last byte [s]
  double min_backoff_s = 0.5;    // first retry delay [s]
  double max_backoff_s = 300.0;  // retry delays double up to this [s]
  int concurrency = 2;           // uploads in flight at once, 1..8
  bool prune_samples_after_upload = false;  // drop a session's raw samples once delivered
};

// The delay before retry number `attempts` (1 = first retry): min * 2^(attempts-1) capped at
// max, then scaled by `jitter` in [0.5, 1] so many machines do not retry in step.
double backoff_delay_s(int attempts, double min_s, double max_s, double jitter);

class Reporter {
 public:
  // `prescriptions` (may be null) learns the fate of prescription changes.
  Reporter(SessionStore& store, ReporterOptions options,
           PrescriptionStore* prescriptions = nullptr);
  ~Reporter();

  // Throws std::invalid_argument for a malformed URL or options (before any thread starts).
  void start();
  void stop();
  void notify();  // something was queued: try now

  std::uint64_t delivered() const { return delivered_; }
  std::uint64_t failed_attempts() const { return failed_attempts_; }

 private:
  void run();
  std::optional<OutboxEntry> claim();
  void release(std::int64_t id);
  void deliver(const OutboxEntry& entry);
  void after_delivery(const OutboxEntry& entry, const http::HttpResult& result);
  double jitter();

  SessionStore& store_;
  ReporterOptions options_;
  PrescriptionStore* prescriptions_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::uint64_t generation_ = 0;         // bumped by notify()
  std::vector<std::int64_t> in_flight_;  // outbox ids being sent
  // A transport attempt failed since the last delivery; true at start, so that the first
  // delivery after a restart also brings entries waiting out an old outage forward.
  bool server_was_down_ = true;
  std::atomic<bool> running_{false};
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> failed_attempts_{0};
  std::mt19937 rng_{std::random_device{}()};
};

}  // namespace tempoload::plugin
