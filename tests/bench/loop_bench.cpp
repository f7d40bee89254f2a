// Control-loop benchmark against a running simulator (see control_loop_bench.sh).
//   --mode loop: the plugin's real ControlLoop + SetRunner running a set, at --rate-hz, for
//                --seconds; reports achieved rate, cycle work time and period percentiles,
//                deadline misses.
//   --mode bare: a bare libmodbus function-23 loop as fast as it goes (the path's limit).
#include <modbus.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "drivers/modbus_machine.hpp"
#include "plugin/loop/control_loop.hpp"
#include "plugin/loop/set_runner.hpp"

namespace td = tempoload::drivers;
namespace tp = tempoload::plugin;
using Clock = std::chrono::steady_clock;

namespace {

int run_loop(const td::RegisterMap& map, int port, double seconds, double rate_hz) {
  td::ModbusMachine machine(map, td::ModbusTcpEndpoint{"127.0.0.1", port, 0.05});
  tp::SetRunner::EventQueue events;
  tp::SetRunner::TickQueue ticks;
  tp::RunnerOptions ro;
  ro.max_force_n = map.limits().max_force_n;
  tp::SetRunner runner(ro, events, ticks);
  tp::LoopOptions lo;
  lo.period_ns = static_cast<std::int64_t>(1e9 / rate_hz);
  tp::ControlLoop loop(machine, runner, lo);
  if (!loop.start()) {
    std::fprintf(stderr, "cannot start: %s\n", machine.last_error().c_str());
    return 1;
  }
  tp::ControlRequest start;
  start.kind = tp::ControlKind::kStartSet;
  start.set_id = 1;
  tempoload::protocols::PlannedSet set;
  set.spec.reps = 50;
  set.spec.load_n = 1700;
  set.spec.idle_timeout_s = 600;
  start.plan.sets.push_back(set);
  start.range = {0.0, 0.09};
  runner.post(start);

  const auto t0 = Clock::now();
  std::uint64_t reps = 0;
  tp::LoopEvent e;
  while (Clock::now() - t0 < std::chrono::duration<double>(seconds)) {
    while (events.pop(e)) reps += e.kind == tp::LoopEventKind::kRep;
    while (ticks.pop(e)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto cycles = loop.counters().cycles.load();
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  loop.stop();
  const auto& w = loop.work_time();
  const auto& p = loop.period();
  std::printf(
      "control loop (%.0f Hz target, SCHED_FIFO %s): %llu cycles in %.2f s = %.0f cycles/s, "
      "deadline misses %llu, comms errors %llu, reps seen %llu\n"
      "  cycle work time us (read+update+write): p50 %.0f  p99 %.0f  max %.0f\n"
      "  cycle period us:                        p50 %.0f  p99 %.0f  max %.0f\n",
      rate_hz, loop.counters().realtime ? "yes" : "no", static_cast<unsigned long long>(cycles),
      elapsed, cycles / elapsed,
      static_cast<unsigned long long>(loop.counters().deadline_misses.load()),
      static_cast<unsigned long long>(loop.counters().comms_errors.load()),
      static_cast<unsigned long long>(reps), w.percentile_us(0.5), w.percentile_us(0.99),
      w.max_us(), p.percentile_us(0.5), p.percentile_us(0.99), p.max_us());
  return 0;
}

int run_bare(const td::RegisterMap& map, int port, double seconds) {
  modbus_t* ctx = modbus_new_tcp("127.0.0.1", port);
  modbus_set_slave(ctx, map.unit_id());
  if (modbus_connect(ctx) != 0) {
    std::fprintf(stderr, "cannot connect: %s\n", modbus_strerror(errno));
    return 1;
  }
  const auto& m = map.measurements();
  const auto& c = map.commands();
  std::vector<std::uint16_t> in(m.count), out(c.count, 0);
  std::vector<double> times_us;
  times_us.reserve(2'000'000);
  std::uint64_t errors = 0;
  const auto t0 = Clock::now();
  while (Clock::now() - t0 < std::chrono::duration<double>(seconds)) {
    ++out[0];  // heartbeat
    const auto a = Clock::now();
    if (modbus_write_and_read_registers(ctx, c.address, c.count, out.data(), m.address, m.count,
                                        in.data()) != m.count) {
      ++errors;
      continue;
    }
    times_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - a).count());
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  modbus_close(ctx);
  modbus_free(ctx);
  std::sort(times_us.begin(), times_us.end());
  auto q = [&](double f) {
    return times_us[std::min(times_us.size() - 1, std::size_t(f * times_us.size()))];
  };
  std::printf(
      "bare libmodbus loop: %zu cycles in %.2f s = %.0f cycles/s, errors %llu, transaction us "
      "p50 %.0f p99 %.0f max %.0f\n",
      times_us.size(), elapsed, times_us.size() / elapsed, static_cast<unsigned long long>(errors),
      q(0.5), q(0.99), times_us.back());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tempoload control-loop benchmark"};
  std::string map_path, mode = "loop";
  int port = 1502;
  double seconds = 30, rate_hz = 1000;
  app.add_option("--map", map_path)->required();
  app.add_option("--port", port)->required();
  app.add_option("--mode", mode)->check(CLI::IsMember({"loop", "bare"}));
  app.add_option("--seconds", seconds);
  app.add_option("--rate-hz", rate_hz);
  CLI11_PARSE(app, argc, argv);
  const auto map = td::RegisterMap::load_file(map_path);
  return mode == "loop" ? run_loop(map, port, seconds, rate_hz) : run_bare(map, port, seconds);
}
