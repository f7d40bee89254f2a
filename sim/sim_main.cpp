// tempoload-sim: the machine simulator, a Modbus TCP server on 127.0.0.1. The register map's
// kind picks the machine: a calf-raise machine or an isokinetic dynamometer (whose scenario must
// say "machine": "dynamometer").
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
#include "sim/calf_raise_device.hpp"
#include "sim/dynamometer_device.hpp"
#include "sim/modbus_server.hpp"
#include "sim/scenario.hpp"

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) { g_stop.store(true); }

}  // namespace

int main(int argc, char** argv) {
  using namespace tempoload;

  CLI::App app{
      "Machine simulator (calf-raise machine or isokinetic dynamometer, by the map's kind): a "
      "Modbus TCP server on 127.0.0.1 with machine physics and a scripted athlete."};
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
  std::unique_ptr<sim::DeviceModel> device;
  std::string scenario_name;
  std::uint32_t scenario_seed = 0;
  try {
    map = drivers::RegisterMap::load_file(map_path);
    if (map->kind() == drivers::MachineKind::kDynamometer) {
      auto scenario = sim::load_dynamometer_scenario_file(scenario_path);
      if (seed) scenario.seed = *seed;
      scenario_name = scenario.name;
      scenario_seed = scenario.seed;
      device = std::make_unique<sim::DynamometerDevice>(
          sim::DynamometerModel(map->limits(), scenario));
    } else {
      auto scenario = sim::load_scenario_file(scenario_path);
      if (seed) scenario.seed = *seed;
      scenario_name = scenario.name;
      scenario_seed = scenario.seed;
      device = std::make_unique<sim::CalfRaiseDevice>(sim::CalfRaiseModel(map->limits(), scenario));
    }
  } catch (const std::exception& e) {
    std::cerr << "tempoload-sim: " << e.what() << "\n";
    return 2;
  }

  sim::ServerOptions options;
  options.port = port;
  if (!quiet) options.log = [](const std::string& line) { std::cerr << line << std::endl; };
  sim::ModbusServer server(*map, std::move(device), options);
  if (!server.listen()) {
    std::cerr << "tempoload-sim: " << server.error() << "\n";
    return 1;
  }

  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::cout << "tempoload-sim listening on 127.0.0.1:" << server.port() << std::endl;
  if (!quiet) {
    std::cerr << "scenario '" << scenario_name << "' (seed " << scenario_seed << "), map '"
              << map->model() << "' " << map->version() << " (" << drivers::to_string(map->kind())
              << "), unit id " << map->unit_id() << std::endl;
  }
  server.run(g_stop, duration_s);
  if (!quiet) std::cerr << "tempoload-sim stopped" << std::endl;
  return 0;
}
