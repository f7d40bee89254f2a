// tempoloadctl commands on the plugin's data, for operators and coaches:
//   outbox   what is queued for the gym server, entry by entry (reads the database read-only)
//   usage    sessions, loaded time, reps and machine cycles per day and athlete; faults with
//            their durations (reads the database read-only)
//   export   sessions, reps or a set's raw samples as CSV or JSON (reads the database read-only)
//   prescription get|set   an athlete's prescription through the plugin's API (gRPC)
#pragma once

#include <vector>

#include "plugin/ctl/ctl_command.hpp"

namespace tempoload::ctl {

std::vector<CtlCommand> add_storage_commands(CLI::App& app);

}  // namespace tempoload::ctl
