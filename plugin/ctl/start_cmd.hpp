// tempoloadctl start: starts any protocol from a StartSetRequest in protobuf JSON (tempo sets,
// isometric holds, the MVIC test, the RM test, the heel-rise test: docs/protocols.md), follows it
// and prints each result as it comes (reps, holds, efforts, attempts, heel-rise reps, sets), then
// the protocol's report. Exit codes as tempoloadctl's.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace tempoload::ctl {

struct StartCommand {
  CLI::App* subcommand = nullptr;
  std::function<int()> run;  // call when the subcommand was chosen
};

StartCommand add_start_command(CLI::App& app);

}  // namespace tempoload::ctl
