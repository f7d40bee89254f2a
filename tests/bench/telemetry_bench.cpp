// Telemetry fan-out benchmark against a running simulator (see telemetry_bench.sh): the plugin's
// real ControlLoop + SetRunner running a set at --rate-hz, the telemetry tap and hub, and a real
// gRPC server on 127.0.0.1, with 0, 1, 10, 100 ... real gRPC subscribers (callback clients in
// this process, one connection each), each phase for --seconds. Reports per phase: delivered
// samples/s per subscriber and in total, delivery latency (loop's sample time -> batch received
// by the client) p50/p99 per sample and for the newest sample of each batch, drops, and the
// loop's deadline misses and cycle work time, against the 0-subscriber phase of the same run.
#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "drivers/modbus_machine.hpp"
#include "plugin/api/telemetry_service.hpp"
#include "plugin/loop/control_loop.hpp"
#include "plugin/loop/set_runner.hpp"
#include "plugin/telemetry/telemetry_hub.hpp"

namespace td = tempoload::drivers;
namespace tp = tempoload::plugin;
namespace v1 = tempoload::v1;

namespace {

std::int64_t monotonic_ns() {  // the clock the loop stamps samples with
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// One analysis tool: a streaming call on its own connection, recording what arrives while the
// phase is measured.
class Subscriber final : public grpc::ClientReadReactor<v1::SampleBatch> {
 public:
  Subscriber(const std::string& address, int index, const v1::StreamSamplesRequest& request,
             const std::atomic<bool>& measuring)
      : request_(request), measuring_(measuring) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own
    args.SetInt("tempoload.bench.subscriber", index);
    channel_ = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
    stub_ = v1::Telemetry::NewStub(channel_);
    latency_us_.reserve(1 << 16);
    stub_->async()->StreamSamples(&ctx_, &request_, this);
    StartRead(&batch_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    const std::int64_t now = monotonic_ns();
    ++batches_total_;
    if (measuring_.load(std::memory_order_relaxed)) {
      const int n = batch_.t_ns_size();
      samples_ += n;
      for (int i = 0; i < n; ++i)
        latency_us_.push_back(static_cast<std::int32_t>((now - batch_.t_ns(i)) / 1000));
      if (n > 0) newest_us_.push_back(static_cast<std::int32_t>((now - batch_.t_ns(n - 1)) / 1000));
    }
    dropped_ = batch_.dropped_for_subscriber();
    StartRead(&batch_);
  }

  void OnDone(const grpc::Status& status) override {
    std::lock_guard lock(mutex_);
    status_ = status;
    done_ = true;
    cv_.notify_all();
  }

  void cancel() { ctx_.TryCancel(); }
  bool wait_done(std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [this] { return done_; });
  }
  std::uint64_t batches_total() const { return batches_total_; }

  // Valid after wait_done().
  std::uint64_t samples() const { return samples_; }
  std::uint64_t dropped() const { return dropped_; }
  const std::vector<std::int32_t>& latency_us() const { return latency_us_; }
  const std::vector<std::int32_t>& newest_us() const { return newest_us_; }
  const grpc::Status& status() const { return status_; }

 private:
  v1::StreamSamplesRequest request_;
  const std::atomic<bool>& measuring_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Telemetry::Stub> stub_;
  grpc::ClientContext ctx_;
  v1::SampleBatch batch_;
  std::atomic<std::uint64_t> batches_total_{0};
  std::uint64_t samples_ = 0;
  std::uint64_t dropped_ = 0;
  std::vector<std::int32_t> latency_us_;
  std::vector<std::int32_t> newest_us_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  grpc::Status status_;
};

template <typename... Args>
std::string figure(const char* format, Args... args) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

double quantile_ms(std::vector<std::int32_t>& v, double q) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k] / 1000.0;
}

struct Phase {
  int subscribers = 0;
  double seconds = 0;
  std::uint64_t cycles = 0, misses = 0, tap_dropped = 0, sub_dropped = 0, samples = 0;
  double min_rate = 0, mean_rate = 0, total_rate = 0;
  double lat_p50 = 0, lat_p99 = 0, newest_p50 = 0, newest_p99 = 0;
  double work_p50_us = 0, work_p99_us = 0, work_max_us = 0, period_p99_us = 0;
  int failed_streams = 0;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tempoload telemetry fan-out benchmark"};
  std::string map_path;
  int port = 1502;
  double seconds = 20, rate_hz = 1000;
  std::vector<int> counts{0, 1, 10, 100};
  std::uint32_t batch_size = 100, delay_ms = 250;
  app.add_option("--map", map_path, "register map (JSON)")->required();
  app.add_option("--port", port, "simulator's Modbus TCP port on 127.0.0.1")->required();
  app.add_option("--seconds", seconds, "measured time per phase [s]")->capture_default_str();
  app.add_option("--rate-hz", rate_hz, "control loop rate [Hz]")->capture_default_str();
  app.add_option("--subscribers", counts, "subscriber counts, one phase each; 0 = baseline")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--batch-size", batch_size, "samples per message")->capture_default_str();
  app.add_option("--delay-ms", delay_ms, "max batch delay [ms]")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);  // one line per stream would drown the figures

  const auto map = td::RegisterMap::load_file(map_path);
  td::ModbusMachine machine(map, td::ModbusTcpEndpoint{"127.0.0.1", port, 0.05});
  tp::SetRunner::EventQueue events;
  tp::SetRunner::TickQueue ticks;
  tp::RunnerOptions ro;
  ro.max_force_n = map.limits().max_force_n;
  tp::SetRunner runner(ro, events, ticks);
  tp::SampleTap tap;
  tp::LoopOptions lo;
  lo.period_ns = static_cast<std::int64_t>(1e9 / rate_hz);
  lo.sample_sink = &tap;
  tp::ControlLoop loop(machine, runner, lo);
  tp::TelemetryHub hub(tap, tp::TelemetryHubOptions{.kind = map.kind()});
  tp::TelemetryService service(hub);

  grpc::ServerBuilder builder;
  int grpc_port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &grpc_port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  if (!server || grpc_port == 0) {
    std::fprintf(stderr, "cannot start the gRPC server\n");
    return 1;
  }
  const std::string address = "127.0.0.1:" + std::to_string(grpc_port);

  if (!loop.start()) {
    std::fprintf(stderr, "cannot start: %s\n", machine.last_error().c_str());
    return 1;
  }
  hub.start();
  // A long set, as in the control-loop benchmark: the loop does its full work every cycle.
  tp::ControlRequest start;
  start.kind = tp::ControlKind::kStartSet;
  start.set_id = 1;
  start.plan.sets.push_back({});
  start.plan.sets[0].spec.reps = 50;
  start.plan.sets[0].spec.load_n = 1700;
  start.plan.sets[0].spec.idle_timeout_s = 600;
  start.range = {0.0, 0.09};
  runner.post(start);

  // Drains the loop's rep/tick queues like the session worker would.
  std::atomic<bool> draining{true};
  std::thread drainer([&] {
    tp::LoopEvent e;
    while (draining) {
      while (events.pop(e)) {
      }
      while (ticks.pop(e)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });

  std::printf(
      "telemetry fan-out: loop %.0f Hz, batch %u samples, max delay %u ms, %.0f s per "
      "phase, %u cores\n",
      rate_hz, batch_size, delay_ms, seconds, std::thread::hardware_concurrency());
  std::fflush(stdout);

  v1::StreamSamplesRequest request;
  request.set_batch_size(batch_size);
  request.set_max_batch_delay_ms(delay_ms);
  std::vector<Phase> phases;
  for (const int count : counts) {
    std::atomic<bool> measuring{false};
    std::vector<std::unique_ptr<Subscriber>> subs;
    for (int i = 0; i < count; ++i)
      subs.push_back(std::make_unique<Subscriber>(address, i, request, measuring));
    // Warm-up: every stream has delivered a batch (bounded), then 1 s more.
    const auto warm_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < warm_deadline &&
           !std::all_of(subs.begin(), subs.end(), [](auto& s) { return s->batches_total() > 0; }))
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::seconds(1));

    // The histograms belong to the loop (read-only API); a benchmark may clear them between
    // phases: relaxed atomics, a cycle recorded during the reset is at worst lost.
    const_cast<tp::CycleHistogram&>(loop.work_time()).reset();
    const_cast<tp::CycleHistogram&>(loop.period()).reset();
    const auto c0 = loop.counters().cycles.load(), m0 = loop.counters().deadline_misses.load();
    const auto tap0 = hub.tap_dropped();
    const auto t0 = std::chrono::steady_clock::now();
    measuring = true;
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    measuring = false;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    Phase p;
    p.subscribers = count;
    p.seconds = elapsed;
    p.cycles = loop.counters().cycles.load() - c0;
    p.misses = loop.counters().deadline_misses.load() - m0;
    p.tap_dropped = hub.tap_dropped() - tap0;
    p.work_p50_us = loop.work_time().percentile_us(0.5);
    p.work_p99_us = loop.work_time().percentile_us(0.99);
    p.work_max_us = loop.work_time().max_us();
    p.period_p99_us = loop.period().percentile_us(0.99);

    for (auto& s : subs) s->cancel();
    std::vector<std::int32_t> all, newest;
    p.min_rate = count > 0 ? 1e18 : 0;
    for (auto& s : subs) {
      if (!s->wait_done(std::chrono::seconds(30))) {
        std::fprintf(stderr, "a subscriber did not finish\n");
        return 1;
      }
      if (s->status().error_code() != grpc::StatusCode::CANCELLED) ++p.failed_streams;
      const double rate = s->samples() / elapsed;
      p.min_rate = std::min(p.min_rate, rate);
      p.total_rate += rate;
      p.samples += s->samples();
      p.sub_dropped += s->dropped();
      all.insert(all.end(), s->latency_us().begin(), s->latency_us().end());
      newest.insert(newest.end(), s->newest_us().begin(), s->newest_us().end());
    }
    p.mean_rate = count > 0 ? p.total_rate / count : 0;
    p.lat_p50 = quantile_ms(all, 0.5);
    p.lat_p99 = quantile_ms(all, 0.99);
    p.newest_p50 = quantile_ms(newest, 0.5);
    p.newest_p99 = quantile_ms(newest, 0.99);
    subs.clear();
    phases.push_back(p);
    std::printf(
        "  %3d subscribers: %.0f samples/s each (min %.0f), %.0f total; latency p50 %.1f "
        "p99 %.1f ms (newest %.1f / %.1f); loop %.0f cycles/s, %llu misses, work p99 %.0f "
        "us\n",
        count, p.mean_rate, p.min_rate, p.total_rate, p.lat_p50, p.lat_p99, p.newest_p50,
        p.newest_p99, p.cycles / elapsed, static_cast<unsigned long long>(p.misses), p.work_p99_us);
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // streams torn down
  }

  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  hub.stop();
  draining = false;
  drainer.join();
  loop.stop();

  // A Markdown table for docs/benchmarks.md; ratios against the first phase (the baseline).
  std::printf("\nloop SCHED_FIFO: %s\n", loop.counters().realtime ? "yes" : "no");
  std::printf(
      "\n| subscribers | samples/s per subscriber (min) | total samples/s | latency p50 / p99 "
      "[ms] | newest-sample latency p50 / p99 [ms] | dropped (subscribers / tap) | loop "
      "cycles/s | deadline misses | work p50 / p99 / max [us] | p99 work / baseline |\n"
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
  const Phase& base = phases.front();
  for (const auto& p : phases) {
    const bool any = p.subscribers > 0;
    std::printf(
        "| %d%s | %s | %s | %s | %s | %llu / %llu | %.0f | %llu | %.0f / %.0f / %.0f | "
        "%s |\n",
        p.subscribers, &p == &base ? " (baseline)" : "",
        any ? figure("%.0f (%.0f)", p.mean_rate, p.min_rate).c_str() : "-",
        any ? figure("%.0f", p.total_rate).c_str() : "-",
        any ? figure("%.1f / %.1f", p.lat_p50, p.lat_p99).c_str() : "-",
        any ? figure("%.1f / %.1f", p.newest_p50, p.newest_p99).c_str() : "-",
        static_cast<unsigned long long>(p.sub_dropped),
        static_cast<unsigned long long>(p.tap_dropped), p.cycles / p.seconds,
        static_cast<unsigned long long>(p.misses), p.work_p50_us, p.work_p99_us, p.work_max_us,
        base.work_p99_us > 0 ? figure("%.2f", p.work_p99_us / base.work_p99_us).c_str() : "-");
    if (p.failed_streams > 0) std::printf("(%d streams ended with an error)\n", p.failed_streams);
  }
  return 0;
}
