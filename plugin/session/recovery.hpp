// Start-up recovery: sessions left "running" by a crash or power loss mid-set are closed from
// what was stored (every rep the athlete was told about is there), and their reports queued.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plugin/storage/session_store.hpp"

namespace tempoload::plugin {

inline constexpr const char* kInterruptedEndReason = "interrupted: plugin restarted";

// For each running session: summary from its stored reps, end_reason kInterruptedEndReason,
// ended at its last stored rep (or its start), an "interrupted" fault from then until now,
// status "interrupted" and the report queued. Returns the ids closed. Throws StoreError.
std::vector<std::string> recover_interrupted_sessions(SessionStore& store,
                                                      std::int64_t now_unix_ms);

}  // namespace tempoload::plugin
