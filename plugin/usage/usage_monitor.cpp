#include "plugin/usage/usage_monitor.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "plugin/session/wall_clock.hpp"
#include "plugin/usage/usage_log.hpp"

namespace tempoload::plugin {
namespace {

// Ready, and no latched e-stop, drive fault or watchdog trip.
bool machine_clean(std::uint32_t status) {
  using drivers::StatusBit;
  auto bit = [](StatusBit b) { return 1u << static_cast<unsigned>(b); };
  return (status & bit(StatusBit::kReady)) &&
         !(status & (bit(StatusBit::kEstop) | bit(StatusBit::kDriveFault) |
                     bit(StatusBit::kWatchdogTripped)));
}

}  // namespace

UsageMonitor::UsageMonitor(SessionStore& store, const SetRunner& runner,
                           UsageMonitorOptions options, std::function<void()> on_report_queued)
    : store_(store),
      runner_(runner),
      options_(std::move(options)),
      on_report_queued_(std::move(on_report_queued)) {}

UsageMonitor::~UsageMonitor() { stop(); }

void UsageMonitor::start() {
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void UsageMonitor::stop() {
  {
    std::lock_guard lock(mutex_);
    running_ = false;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void UsageMonitor::run() {
  std::unique_lock lock(mutex_);
  while (running_) {
    lock.unlock();
    try {
      tick(unix_ms());
    } catch (const std::exception& e) {
      spdlog::error("usage log: {}", e.what());
    }
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms), [this] { return !running_; });
  }
}

void UsageMonitor::tick(std::int64_t now) {
  if (now >= next_fault_check_ms_) {
    faults_maybe_active_ = store_.has_active_faults();
    next_fault_check_ms_ = now + 1000;
  }
  if (faults_maybe_active_ && runner_.machine_responding() &&
      machine_clean(runner_.last_status())) {
    if (int n = store_.clear_active_faults(now); n > 0)
      spdlog::info("machine ready again: {} fault(s) cleared", n);
    faults_maybe_active_ = false;
  }
  if (now >= next_period_check_ms_) {
    // Often enough that a report follows its period closely, rarely enough to cost nothing.
    next_period_check_ms_ = now + std::clamp<std::int64_t>(options_.period_ms / 10, 200, 60'000);
    const int queued = queue_finished_usage_periods(
        store_, options_.machine_id, options_.machine_model, options_.period_ms, now);
    if (queued > 0) {
      spdlog::info("{} usage report(s) queued for the gym server", queued);
      if (on_report_queued_) on_report_queued_();
    }
  }
}

}  // namespace tempoload::plugin
