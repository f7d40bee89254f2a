// tempoloadctl token issue|revoke|list: an operator's management of caller tokens for the
// plugin's remote TLS listener (docs/security.md).
#pragma once

#include <vector>

#include "plugin/ctl/ctl_command.hpp"

namespace tempoload::ctl {

std::vector<CtlCommand> add_token_commands(CLI::App& app);

}  // namespace tempoload::ctl
