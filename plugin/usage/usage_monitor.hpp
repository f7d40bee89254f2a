// A background thread for the usage logs: ends active faults when the machine reports ready
// again (so faults carry durations), and queues a usage report for each usage period that is
// over. Reads the loop's status through SetRunner's atomics only.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "plugin/loop/set_runner.hpp"
#include "plugin/storage/session_store.hpp"

namespace tempoload::plugin {

struct UsageMonitorOptions {
  std::string machine_id;
  std::string machine_model;
  std::int64_t period_ms = 86'400'000;  // usage report period, aligned to the epoch (UTC days)
  int poll_ms = 100;                    // machine status polling for fault ends
};

class UsageMonitor {
 public:
  UsageMonitor(SessionStore& store, const SetRunner& runner, UsageMonitorOptions options,
               std::function<void()> on_report_queued);
  ~UsageMonitor();
  void start();
  void stop();

 private:
  void run();
  void tick(std::int64_t now_unix_ms);

  SessionStore& store_;
  const SetRunner& runner_;
  UsageMonitorOptions options_;
  std::function<void()> on_report_queued_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool running_ = false;
  bool faults_maybe_active_ = true;  // re-checked in the database every second
  std::int64_t next_fault_check_ms_ = 0;
  std::int64_t next_period_check_ms_ = 0;
};

}  // namespace tempoload::plugin
