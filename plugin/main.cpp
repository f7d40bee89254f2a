// tempoload-plugin: the process on the machine's controller. Connects to the machine over
// Modbus, runs the control loop, serves the gRPC API, stores sessions and reports them.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "drivers/modbus_machine.hpp"
#include "plugin/api/guided_session_service.hpp"
#include "plugin/loop/control_loop.hpp"
#include "plugin/loop/set_runner.hpp"
#include "plugin/report/reporter.hpp"
#include "plugin/session/session_worker.hpp"

namespace tp = tempoload::plugin;
namespace td = tempoload::drivers;

namespace {

struct Options {
  std::string map_path;
  std::string modbus = "127.0.0.1:1502";
  std::string listen = "127.0.0.1:50051";
  std::string db_path = "tempoload.db";
  std::string gym_url;
  std::string gym_ca_file;
  std::string machine_id = "machine-1";
  double rate_hz = 1000;
  double modbus_timeout_s = 0.05;
  bool no_realtime = false;
};

bool split_host_port(const std::string& s, std::string& host, int& port) {
  const auto colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  host = s.substr(0, colon);
  try {
    port = std::stoi(s.substr(colon + 1));
  } catch (...) {
    return false;
  }
  return !host.empty() && port > 0 && port < 65536;
}

// Blocks until SIGINT or SIGTERM (both blocked in every thread, taken here).
int wait_for_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"tempoload-plugin: tempo-controlled training on a Modbus strength machine"};
  app.add_option("--map", o.map_path, "register map of the machine model (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--modbus", o.modbus, "machine's Modbus TCP address host:port")->capture_default_str();
  app.add_option("--listen", o.listen, "gRPC listen address host:port (port 0: any free)")
      ->capture_default_str();
  app.add_option("--db", o.db_path, "SQLite database file")->capture_default_str();
  app.add_option("--gym-url", o.gym_url, "gym server base URL for session reports (http[s]://)");
  app.add_option("--gym-ca-file", o.gym_ca_file, "CA bundle (PEM) to verify an https gym server");
  app.add_option("--machine-id", o.machine_id, "this machine's id in reports")->capture_default_str();
  app.add_option("--rate-hz", o.rate_hz, "control loop rate [Hz]")
      ->check(CLI::Range(10.0, 5000.0))
      ->capture_default_str();
  app.add_option("--modbus-timeout-s", o.modbus_timeout_s, "Modbus reply timeout [s]")
      ->check(CLI::Range(0.001, 5.0))
      ->capture_default_str();
  app.add_flag("--no-realtime", o.no_realtime, "do not ask for SCHED_FIFO");
  CLI11_PARSE(app, argc, argv);

  spdlog::set_default_logger(spdlog::stderr_color_mt("tempoload"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  // Signals are taken by wait_for_signal(); block them before any thread starts.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  td::ModbusTcpEndpoint endpoint;
  endpoint.response_timeout_s = o.modbus_timeout_s;
  if (!split_host_port(o.modbus, endpoint.host, endpoint.port)) {
    std::cerr << "--modbus: expected host:port, got '" << o.modbus << "'\n";
    return 2;
  }

  try {
    auto map = td::RegisterMap::load_file(o.map_path);
    const tp::MachineInfo machine{o.machine_id, map.model(), map.limits().max_force_n,
                                  map.limits().travel_m};
    tp::SessionStore store(o.db_path);
    td::ModbusMachine modbus(std::move(map), endpoint);

    tp::SetRunner::EventQueue events;
    tp::SetRunner::TickQueue ticks;
    tp::RunnerOptions runner_options;
    runner_options.max_force_n = machine.max_force_n;
    runner_options.tick_every_cycles = std::max(1, static_cast<int>(o.rate_hz / 100));  // 100 Hz
    tp::SetRunner runner(runner_options, events, ticks);

    tp::LoopOptions loop_options;
    loop_options.period_ns = static_cast<std::int64_t>(1e9 / o.rate_hz);
    loop_options.realtime = !o.no_realtime;
    tp::ControlLoop loop(modbus, runner, loop_options);

    tp::Reporter reporter(store, tp::ReporterOptions{o.gym_url, o.gym_ca_file});
    tp::GuidanceHub hub;
    tp::SessionWorker worker(events, ticks, store, hub, [&reporter] { reporter.notify(); });
    tp::GuidedSessionService service(runner, worker, store, hub, machine);

    if (!loop.start())
      spdlog::warn("machine at {} not answering yet ({}); retrying in the background", o.modbus,
                   modbus.last_error());
    worker.start();
    reporter.start();

    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort(o.listen, grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    auto server = builder.BuildAndStart();
    if (!server || port == 0) {
      spdlog::error("cannot listen on {}", o.listen);
      loop.stop();
      return 1;
    }
    const std::string host = o.listen.substr(0, o.listen.rfind(':'));
    std::cout << "tempoload-plugin listening on " << host << ":" << port << std::endl;
    spdlog::info("machine {} ({}) at {}, loop {} Hz{}, db {}", machine.machine_id, machine.model,
                 o.modbus, o.rate_hz, loop.counters().realtime ? " SCHED_FIFO" : "", o.db_path);

    const int sig = wait_for_signal();
    spdlog::info("signal {}: unloading and shutting down", sig);
    if (auto busy = worker.busy()) {
      tp::ControlRequest stop;
      stop.kind = tp::ControlKind::kStopSet;
      stop.set_id = busy->set_id;
      runner.post(stop);
      for (int i = 0; i < 300 && runner.set_active(); ++i)  // ramped unload, at most 3 s
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    loop.stop();  // writes mode off before disconnecting
    worker.stop();
    reporter.stop();
    const auto& c = loop.counters();
    spdlog::info("loop: {} cycles, {} deadline misses, {} comms errors", c.cycles.load(),
                 c.deadline_misses.load(), c.comms_errors.load());
  } catch (const td::RegisterMapError& e) {
    std::cerr << "register map refused: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "tempoload-plugin: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
