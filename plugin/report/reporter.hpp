// Sends the outbox's reports to the gym server: oldest first, one at a time, each with its
// idempotency key, retried with exponential backoff and jitter (and Retry-After) until the
// server takes it. The outbox lives in SQLite, so nothing is lost across outages or restarts.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "plugin/storage/session_store.hpp"

namespace tempoload::plugin {

struct ReporterOptions {
  std::string gym_url;           // e.g. http://127.0.0.1:8080; "" disables reporting
  std::string ca_file;           // for https; "" = system CAs
  double timeout_s = 5.0;        // one request, connect to last byte [s]
  double min_backoff_s = 0.5;    // first retry delay [s]
  double max_backoff_s = 300.0;  // retry delays double up to this [s]
};

// The delay before retry number `attempts` (1 = first retry): min * 2^(attempts-1) capped at
// max, then scaled by `jitter` in [0.5, 1] so many machines do not retry in step.
double backoff_delay_s(int attempts, double min_s, double max_s, double jitter);

class Reporter {
 public:
  Reporter(SessionStore& store, ReporterOptions options);
  ~Reporter();

  void start();
  void stop();
  void notify();  // a report was queued: try now

  std::uint64_t delivered() const { return delivered_; }
  std::uint64_t failed_attempts() const { return failed_attempts_; }

 private:
  void run();
  // Tries the next due entry. Returns true when it handled one (sent or rescheduled).
  bool send_next();

  SessionStore& store_;
  ReporterOptions options_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool notified_ = false;
  std::atomic<bool> running_{false};
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> failed_attempts_{0};
  std::mt19937 rng_{std::random_device{}()};
};

}  // namespace tempoload::plugin
