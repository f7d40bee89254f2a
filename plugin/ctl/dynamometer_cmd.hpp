// tempoloadctl dyn-test: runs a dynamometer test or training on the plugin (standard
// plantarflexion test, eccentric training, or one custom series), prints each rep as it ends,
// the gravity corrections, and the results table. Exit codes as tempoloadctl's.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace tempoload::ctl {

struct DynamometerCommand {
  CLI::App* subcommand = nullptr;
  std::function<int()> run;  // call when the subcommand was chosen
};

DynamometerCommand add_dynamometer_command(CLI::App& app);

}  // namespace tempoload::ctl
