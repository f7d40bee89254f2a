// Follows a session's guidance stream (GuidedSession.WatchSession) on a terminal: a live status
// line (phase, tempo clock, position against the target, forces per leg, symmetry), a row per
// rep, cues, faults and the set's summary. --json prints one JSON object per event (NDJSON).
#pragma once

#include <string>

#include "tempoload/v1/guided_session.grpc.pb.h"

namespace tempoload::ctl {

struct WatchOptions {
  bool json = false;  // one JSON line per event instead of text
  bool live = false;  // redraw a status line from ticks (a terminal)
  double tick_rate_hz = 10;
};

struct WatchResult {
  grpc::Status status;
  bool faulted = false;
  bool have_finished = false;
  tempoload::v1::SetReport finished;
};

WatchResult watch_session(tempoload::v1::GuidedSession::StubInterface& stub,
                          const std::string& session_id, const WatchOptions& options);

const char* phase_text(tempoload::v1::Phase p);  // what the athlete should do now

}  // namespace tempoload::ctl
