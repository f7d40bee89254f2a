// tempoload-plugin: the process on the machine's controller. Connects to the machine over
// Modbus, runs the control loop, serves the gRPC API, stores sessions and reports them.
#include <grpcpp/grpcpp.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <unistd.h>
#include <iostream>

#include "drivers/modbus_machine.hpp"
#include "plugin/api/dynamometer_service.hpp"
#include "plugin/api/grpc_listener.hpp"
#include "plugin/auth/token_store.hpp"
#include "plugin/api/guided_session_service.hpp"
#include "plugin/api/prescription_service.hpp"
#include "plugin/api/telemetry_service.hpp"
#include "plugin/api/coach_service.hpp"
#include "plugin/api/operator_service.hpp"
#include "plugin/loop/calibration.hpp"
#include "plugin/loop/control_loop.hpp"
#include "plugin/loop/set_runner.hpp"
#include "plugin/report/reporter.hpp"
#include "plugin/session/dynamometer_worker.hpp"
#include "plugin/session/recovery.hpp"
#include "plugin/session/session_worker.hpp"
#include "plugin/session/wall_clock.hpp"
#include "plugin/usage/usage_monitor.hpp"

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
  bool daemon = false;  // run on its own, without a go-plugin host
  std::string tls_listen, tls_cert, tls_key, tokens_file;
  tp::RateLimit rate_limit;          // remote listener, per caller
  int max_message_bytes = 256 * 1024;
  tp::ReporterOptions report;  // gym_url and ca_file are filled in from the options above
  double prescription_timeout_s = 2.0;
  double usage_period_s = 86400;
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
  app.add_flag("--daemon", o.daemon,
               "run as a plain daemon on --listen instead of being launched by a go-plugin host");
  app.add_option("--tls-listen", o.tls_listen,
                 "remote listener host:port for coaches and operators: TLS + bearer tokens");
  app.add_option("--tls-cert", o.tls_cert, "PEM certificate chain for --tls-listen");
  app.add_option("--tls-key", o.tls_key, "PEM private key for --tls-listen");
  app.add_option("--tokens", o.tokens_file,
                 "caller tokens file (JSON of SHA-256 hashes; tempoloadctl token issue/revoke)");
  app.add_option("--rate-limit-per-s", o.rate_limit.per_second,
                 "remote listener: sustained requests per second per caller")
      ->check(CLI::Range(0.1, 10000.0))
      ->capture_default_str();
  app.add_option("--rate-limit-burst", o.rate_limit.burst,
                 "remote listener: requests a caller may make at once")
      ->check(CLI::Range(1.0, 100000.0))
      ->capture_default_str();
  app.add_option("--max-message-bytes", o.max_message_bytes, "largest gRPC request accepted")
      ->check(CLI::Range(1024, 64 * 1024 * 1024))
      ->capture_default_str();
  app.add_option("--report-min-backoff-s", o.report.min_backoff_s,
                 "first retry delay of a report upload [s]")
      ->check(CLI::Range(0.01, 3600.0))
      ->capture_default_str();
  app.add_option("--report-max-backoff-s", o.report.max_backoff_s,
                 "longest retry delay of a report upload [s]")
      ->check(CLI::Range(0.01, 86400.0))
      ->capture_default_str();
  app.add_option("--report-concurrency", o.report.concurrency, "report uploads in flight at once")
      ->check(CLI::Range(1, 8))
      ->capture_default_str();
  app.add_option("--report-timeout-s", o.report.timeout_s, "one report upload, at most [s]")
      ->check(CLI::Range(0.1, 300.0))
      ->capture_default_str();
  app.add_flag("--prune-samples-after-upload", o.report.prune_samples_after_upload,
               "drop a session's raw samples once its report is delivered");
  app.add_option("--prescription-timeout-s", o.prescription_timeout_s,
                 "fetching an athlete's prescription from the gym server, at most [s]")
      ->check(CLI::Range(0.1, 30.0))
      ->capture_default_str();
  app.add_option("--usage-period-s", o.usage_period_s,
                 "usage report period [s], aligned to UTC midnight for whole days")
      ->check(CLI::Range(1.0, 31.0 * 86400))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  spdlog::set_default_logger(spdlog::stderr_color_mt("tempoload"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  // A go-plugin host's controller Shutdown takes the same path as SIGTERM.
  std::unique_ptr<tp::TokenStore> tokens;
  try {
    if (!o.tokens_file.empty()) tokens = std::make_unique<tp::TokenStore>(o.tokens_file);
  } catch (const std::exception& e) {
    std::cerr << "tempoload-plugin: " << e.what() << "\n";
    return 2;
  }
  tp::ListenerConfig listener_config{o.daemon,     o.listen,
                                     [] { kill(getpid(), SIGTERM); },
                                     o.tls_listen, o.tls_cert,
                                     o.tls_key,    tokens.get()};
  listener_config.rate_limit = o.rate_limit;
  listener_config.max_message_bytes = o.max_message_bytes;
  try {
    tp::check_launch(listener_config);
  } catch (const std::exception& e) {
    std::cerr << "tempoload-plugin: " << e.what() << "\n";
    return 1;
  }

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
                                  map.limits().travel_m, map.kind()};
    tp::SessionStore store(o.db_path);
    tp::PrescriptionStore prescriptions(store);
    // Sessions a crash left running are closed from their stored reps and reported.
    tp::recover_interrupted_sessions(store, tp::unix_ms());
    td::ModbusMachine modbus(std::move(map), endpoint);

    tp::SetRunner::EventQueue events;
    tp::SetRunner::TickQueue ticks;
    tp::DynamometerQueues dyno_queues;  // a dynamometer session's events (issue 4)
    tp::Calibration calibration;  // load-cell offsets and range limits (Operator/Calibrate)
    tp::RunnerOptions runner_options;
    runner_options.calibration = &calibration;
    runner_options.dynamometer = {modbus.map().limits().max_torque_nm,
                                  modbus.map().limits().max_speed_radps};
    runner_options.max_force_n = machine.max_force_n;
    runner_options.tick_every_cycles = std::max(1, static_cast<int>(o.rate_hz / 100));  // 100 Hz
    tp::SetRunner runner(runner_options, events, ticks, &dyno_queues);

    tp::SampleTap telemetry_tap;  // every fresh sample, for Telemetry streams (issue 5)
    tp::LoopOptions loop_options;
    loop_options.period_ns = static_cast<std::int64_t>(1e9 / o.rate_hz);
    loop_options.realtime = !o.no_realtime;
    loop_options.sample_sink = &telemetry_tap;
    tp::ControlLoop loop(modbus, runner, loop_options);
    tp::TelemetryHub telemetry_hub(telemetry_tap,
                                   tp::TelemetryHubOptions{.kind = modbus.map().kind()});
    tp::TelemetryService telemetry_service(telemetry_hub);

    o.report.gym_url = o.gym_url;
    o.report.ca_file = o.gym_ca_file;
    tp::Reporter reporter(store, o.report, &prescriptions);
    tp::GuidanceHub hub;
    tp::SessionWorker worker(events, ticks, store, hub, [&reporter] { reporter.notify(); });
    tp::DynamometerHub dyno_hub;
    tp::DynamometerWorker dyno_worker(dyno_queues, store, dyno_hub,
                                      [&reporter] { reporter.notify(); });
    tp::DynamometerService dyno_service(
        runner, dyno_worker, store, dyno_hub,
        tp::DynamometerMachine{machine.machine_id, machine.model, modbus.map().kind(),
                               modbus.map().limits()});
    tp::PrescriptionSync sync(prescriptions, tp::PrescriptionSyncOptions{o.gym_url, o.gym_ca_file,
                                                                         o.prescription_timeout_s});
    tp::GuidedSessionService service(runner, worker, store, hub, machine, &sync);
    tp::PrescriptionService prescription_service(sync, prescriptions, machine,
                                                 [&reporter] { reporter.notify(); });
    // Coaches and operators (issue 5); the operator service loads the stored calibration.
    tp::CoachService coach_service(store, prescriptions, machine, [&reporter] { reporter.notify(); });
    tp::OperatorService operator_service(
        runner, loop.counters(), store, calibration,
        tp::OperatorMachine{machine, modbus.map().version()}, [&worker, &dyno_worker] {
          if (auto busy = worker.busy()) return busy->session_id;
          if (auto busy = dyno_worker.busy()) return busy->session_id;
          return std::string();
        });
    tp::UsageMonitor usage(
        store, runner,
        tp::UsageMonitorOptions{machine.machine_id, machine.model,
                                static_cast<std::int64_t>(o.usage_period_s * 1000)},
        [&reporter] { reporter.notify(); });

    if (!loop.start())
      spdlog::warn("machine at {} not answering yet ({}); retrying in the background", o.modbus,
                   modbus.last_error());
    worker.start();
    dyno_worker.start();
    reporter.start();
    usage.start();
    telemetry_hub.start();

    tp::GrpcListener listener(listener_config);
    listener.start({&service, &prescription_service, &dyno_service, &coach_service, &operator_service,
                    &telemetry_service});
    spdlog::info("machine {} ({}) at {}, loop {} Hz{}, db {}", machine.machine_id, machine.model,
                 o.modbus, o.rate_hz, loop.counters().realtime ? " SCHED_FIFO" : "", o.db_path);

    const int sig = wait_for_signal();
    spdlog::info("signal {}: unloading and shutting down", sig);
    std::optional<std::uint32_t> running;
    if (auto busy = worker.busy()) running = busy->set_id;
    if (auto busy = dyno_worker.busy()) running = busy->set_id;
    if (running) {
      tp::ControlRequest stop;
      stop.kind = tp::ControlKind::kStopSet;
      stop.set_id = *running;
      runner.post(stop);
      for (int i = 0; i < 300 && runner.set_active(); ++i)  // ramped unload, at most 3 s
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    listener.shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    telemetry_hub.stop();  // its streams are over
    loop.stop();  // writes mode off before disconnecting
    worker.stop();
    dyno_worker.stop();
    usage.stop();
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
