// tempoloadctl operator ...: an operator's view of a plugin over gRPC (tempoload.v1.Operator).
// Subcommands: status, versions, usage, faults, calibrate, export. Tables by default, --json
// for protobuf JSON; exit codes in remote_channel.hpp (docs/coach-operator.md).
#pragma once

#include "plugin/ctl/ctl_command.hpp"

namespace tempoload::ctl {

CtlCommand add_operator_command(CLI::App& app);

}  // namespace tempoload::ctl
