// tempoload-sim: the calf-raise machine simulator, a Modbus TCP server on 127.0.0.1.
//
//   tempoload-sim --map PATH --scenario PATH [--port 1502] [--seed N] [--quiet] [--duration-s S]
//
// Prints exactly one line to stdout once listening: "tempoload-sim listening on 127.0.0.1:<port>"
// (with --port 0, the port picked by the system). Notable events go to stderr, one line each,
// unless --quiet. Exit codes: 0 stopped (SIGINT, SIGTERM or --duration-s), 1 cannot listen,
// 2 bad command line, map or scenario.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>

#include "drivers/register_map.hpp"
#include "sim/calf_raise_model.hpp"
#include "sim/modbus_server.hpp"
#include "sim/scenario.hpp"

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) { g_stop.store(true); }

}  // namespace

int main(int argc, char** argv) {
  using namespace tempoload;

  CLI::App app{
      "Calf-raise machine simulator: a Modbus TCP server on 127.0.0.1 with machine "
      "physics and a scripted athlete."};
  std::string map_path, scenario_path;
  int port = 1502;
  std::optional<std::uint32_t> seed;
  bool quiet = false;
  double duration_s = 0;
  app.add_option("--map", map_path, "register-map JSON file (drivers/maps/...)")->required();
  app.add_option("--scenario", scenario_path, "scenario JSON file (sim/scenarios/...)")->required();
  app.add_option("--port", port, "TCP port; 0 picks a free one")->check(CLI::Range(0, 65535));
  app.add_option("--seed", seed, "plate-noise seed, overrides the scenario's");
  app.add_flag("--quiet", quiet, "no event log on stderr");
  app.add_option("--duration-s", duration_s, "stop after this many seconds; 0 runs until a signal")
      ->check(CLI::NonNegativeNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  std::optional<drivers::RegisterMap> map;
  std::optional<sim::Scenario> scenario;
  try {
    map = drivers::RegisterMap::load_file(map_path);
    scenario = sim::load_scenario_file(scenario_path);
  } catch (const std::exception& e) {
    std::cerr << "tempoload-sim: " << e.what() << "\n";
    return 2;
  }
  if (seed) scenario->seed = *seed;

  sim::ServerOptions options;
  options.port = port;
  if (!quiet) options.log = [](const std::string& line) { std::cerr << line << std::endl; };
  sim::ModbusServer server(*map, sim::CalfRaiseModel(map->limits(), *scenario), options);
  if (!server.listen()) {
    std::cerr << "tempoload-sim: " << server.error() << "\n";
    return 1;
  }

  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::cout << "tempoload-sim listening on 127.0.0.1:" << server.port() << std::endl;
  if (!quiet) {
    std::cerr << "scenario '" << scenario->name << "' (seed " << scenario->seed << "), map '"
              << map->model() << "' " << map->version() << ", unit id " << map->unit_id()
              << std::endl;
  }
  server.run(g_stop, duration_s);
  if (!quiet) std::cerr << "tempoload-sim stopped" << std::endl;
  return 0;
}
