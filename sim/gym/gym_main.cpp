// tempoload-gym: the reference gym server that receives session reports from the plugin.
//   tempoload-gym --db PATH [--port 8080] [--quiet]
//                 [--fail-mode none|500|429|garbage|slow|close --fail-count N] [--slow-seconds S]
// Prints "tempoload-gym listening on 127.0.0.1:<port>" on stdout once listening; SIGINT/SIGTERM
// stop it (exit 0). Startup errors: a message on stderr and exit 1.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include "sim/gym/http_server.hpp"
#include "sim/gym/report_store.hpp"

int main(int argc, char** argv) {
  using namespace tempoload::gym;
  CLI::App app{"tempoload-gym: reference gym server that receives session reports"};
  std::string db_path;
  int port = 8080;
  bool quiet = false;
  std::string fail_mode = "none";
  int fail_count = 1;
  double slow_seconds = 8.0;
  app.add_option("--db", db_path, "SQLite database file (created if missing)")->required();
  app.add_option("--port", port, "TCP port on 127.0.0.1; 0 picks a free one")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_flag("--quiet", quiet, "no per-request log lines on stderr");
  app.add_option("--fail-mode", fail_mode, "misbehave on the first --fail-count POSTs")
      ->check(CLI::IsMember({"none", "500", "429", "garbage", "slow", "close"}))
      ->capture_default_str();
  app.add_option("--fail-count", fail_count, "how many POSTs misbehave")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--slow-seconds", slow_seconds, "fail-mode slow: seconds the reply body trickles")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    ReportStore store(db_path);
    GymServerOptions options;
    options.port = static_cast<std::uint16_t>(port);
    options.quiet = quiet;
    options.fail_mode = *parse_fault_mode(fail_mode);
    options.fail_count = fail_count;
    options.slow_seconds = slow_seconds;
    options.stop_on_signals = true;
    GymServer server(store, options);
    std::cout << "tempoload-gym listening on 127.0.0.1:" << server.port() << std::endl;
    server.run();
    std::cerr << "tempoload-gym stopped" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "tempoload-gym: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
