// The fixed-rate control loop: one thread, absolute deadlines, read -> update -> write.
// Nothing on this thread allocates, logs, or waits on a lock another thread holds.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "drivers/machine.hpp"
#include "plugin/loop/cycle_histogram.hpp"

namespace tempoload::plugin {

// What the loop calls every cycle, on the loop thread.
class CycleHandler {
 public:
  virtual ~CycleHandler() = default;
  // `read` tells whether `sample` is fresh. Returns the command to write this cycle.
  virtual drivers::Command on_cycle(const drivers::Sample& sample, drivers::CycleResult read,
                                    std::int64_t now_ns) = 0;
  // Called when consecutive deadline misses exceed the bound: the handler must go safe.
  virtual void on_overrun_fault() = 0;
  // True when no set is running, so the loop may reconnect a lost machine (blocking).
  virtual bool idle() const = 0;
};

// Optional observer of every fresh sample (telemetry's tap). Called on the loop thread after
// the command is staged: it must not block, allocate or lock (plugin/telemetry/sample_tap.hpp).
class SampleSink {
 public:
  virtual ~SampleSink() = default;
  virtual void on_sample(const drivers::Sample& sample) noexcept = 0;
};

struct LoopOptions {
  std::int64_t period_ns = 1'000'000;  // 1 kHz over TCP by default
  int max_consecutive_misses = 20;     // more in a row is a fault
  int max_consecutive_comms_errors = 50;  // then reconnect when idle (with backoff)
  bool realtime = true;  // try SCHED_FIFO and mlockall; continue without when not permitted
  SampleSink* sample_sink = nullptr;  // not owned; outlives the loop; null = no telemetry
};

struct LoopCounters {
  std::atomic<std::uint64_t> cycles{0};
  std::atomic<std::uint64_t> deadline_misses{0};
  std::atomic<std::uint64_t> comms_errors{0};
  std::atomic<std::uint64_t> reconnects{0};
  std::atomic<bool> connected{false};
  std::atomic<bool> realtime{false};  // SCHED_FIFO granted
};

class ControlLoop {
 public:
  ControlLoop(drivers::Machine& machine, CycleHandler& handler, LoopOptions options);
  ~ControlLoop();

  // Configures and activates the machine, then starts the thread. Returns false (see
  // machine.last_error()) when the machine did not answer: the loop runs anyway and keeps
  // reconnecting with backoff, so a plugin started before its drive comes up recovers.
  bool start();
  void stop();  // joins; the machine is deactivated (safe command) on the loop thread

  const LoopCounters& counters() const { return counters_; }
  const CycleHistogram& work_time() const { return work_time_; }  // read..write duration
  const CycleHistogram& period() const { return period_; }        // start-to-start interval
  const LoopOptions& options() const { return options_; }

 private:
  void run();
  void try_reconnect(std::int64_t now_ns);

  drivers::Machine& machine_;
  CycleHandler& handler_;
  LoopOptions options_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  LoopCounters counters_;
  CycleHistogram work_time_;
  CycleHistogram period_;
  std::int64_t next_reconnect_ns_ = 0;
  std::int64_t reconnect_backoff_ns_ = 0;
};

}  // namespace tempoload::plugin
