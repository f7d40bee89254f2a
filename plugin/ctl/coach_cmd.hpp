// tempoloadctl coach ...: a coach's view of a plugin over gRPC (tempoload.v1.Coach), scoped to
// the athletes on the coach's token. Subcommands: athletes, athlete ID, sessions, session show
// ID, prescription assign ATHLETE FILE.json, prescription history ATHLETE, trends ATHLETE,
// tests ATHLETE, record-test ATHLETE, progression --athlete ID, programme --athlete ID
// --programme hsr|alfredson --week N --session N, morning-pain --athlete ID --pain N. Tables by
// default, --json for protobuf JSON; exit codes in remote_channel.hpp (docs/coach-operator.md).
#pragma once

#include "plugin/ctl/ctl_command.hpp"

namespace tempoload::ctl {

CtlCommand add_coach_command(CLI::App& app);

}  // namespace tempoload::ctl
