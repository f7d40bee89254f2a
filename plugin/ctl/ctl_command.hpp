// A tempoloadctl subcommand defined in its own file: main() parses, then calls run() of the
// chosen one. Exit codes as tempoloadctl's (0 ok, 1 failed, 2 usage, 4 not found).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace tempoload::ctl {

struct CtlCommand {
  CLI::App* subcommand = nullptr;
  std::function<int()> run;
};

}  // namespace tempoload::ctl
