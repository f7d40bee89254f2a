#include "plugin/loop/control_loop.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>

#include <algorithm>
#include <ctime>

namespace tempoload::plugin {
namespace {

std::int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void sleep_until_ns(std::int64_t t) {
  timespec ts{static_cast<time_t>(t / 1'000'000'000), static_cast<long>(t % 1'000'000'000)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

bool try_realtime() {
  sched_param p{};
  p.sched_priority = 80;
  if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &p) != 0) return false;
  mlockall(MCL_CURRENT | MCL_FUTURE);
  return true;
}

constexpr std::int64_t kMinBackoffNs = 500'000'000;   // first reconnect attempt after 0.5 s
constexpr std::int64_t kMaxBackoffNs = 8'000'000'000;  // then doubling up to 8 s

}  // namespace

ControlLoop::ControlLoop(drivers::Machine& machine, CycleHandler& handler, LoopOptions options)
    : machine_(machine), handler_(handler), options_(options) {}

ControlLoop::~ControlLoop() { stop(); }

bool ControlLoop::start() {
  const bool connected = machine_.configure() && machine_.activate();
  counters_.connected = connected;
  running_ = true;
  thread_ = std::thread([this] { run(); });
  return connected;
}

void ControlLoop::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
}

void ControlLoop::try_reconnect(std::int64_t now) {
  if (now < next_reconnect_ns_) return;
  counters_.reconnects.fetch_add(1, std::memory_order_relaxed);
  if (machine_.configure() && machine_.activate()) {
    counters_.connected = true;
    reconnect_backoff_ns_ = 0;
    return;
  }
  reconnect_backoff_ns_ = std::clamp(reconnect_backoff_ns_ * 2, kMinBackoffNs, kMaxBackoffNs);
  next_reconnect_ns_ = now_ns() + reconnect_backoff_ns_;
}

void ControlLoop::run() {
  pthread_setname_np(pthread_self(), "tempoload-loop");
  counters_.realtime = options_.realtime && try_realtime();

  drivers::Sample sample;
  int consecutive_misses = 0;
  int consecutive_comms_errors = 0;
  std::int64_t deadline = now_ns();
  std::int64_t last_start = 0;
  while (running_.load(std::memory_order_relaxed)) {
    const std::int64_t start = now_ns();
    if (last_start != 0) period_.record_ns(start - last_start);
    last_start = start;

    const drivers::CycleResult r = machine_.read(sample);
    if (r == drivers::CycleResult::kOk) {
      consecutive_comms_errors = 0;
    } else {
      counters_.comms_errors.fetch_add(1, std::memory_order_relaxed);
      ++consecutive_comms_errors;
    }
    const drivers::Command cmd = handler_.on_cycle(sample, r, start);
    machine_.write(cmd);
    if (options_.sample_sink && r == drivers::CycleResult::kOk)
      options_.sample_sink->on_sample(sample);

    const std::int64_t end = now_ns();
    work_time_.record_ns(end - start);
    counters_.cycles.fetch_add(1, std::memory_order_relaxed);

    if (consecutive_comms_errors > options_.max_consecutive_comms_errors) {
      counters_.connected = false;
      if (handler_.idle()) try_reconnect(end);
    }

    deadline += options_.period_ns;
    if (end > deadline) {
      counters_.deadline_misses.fetch_add(1, std::memory_order_relaxed);
      if (++consecutive_misses > options_.max_consecutive_misses) {
        handler_.on_overrun_fault();
        consecutive_misses = 0;
      }
      // Skip the missed slots instead of bursting to catch up.
      deadline = end;
      continue;
    }
    consecutive_misses = 0;
    sleep_until_ns(deadline);
  }
  machine_.deactivate();
}

}  // namespace tempoload::plugin
