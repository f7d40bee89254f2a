// Who is on the machine: GuidedSession.IdentifyAthlete registers an athlete on first sight and
// reads what this machine knows about them.
#pragma once

#include <cstdint>
#include <string>

#include "plugin/storage/session_store.hpp"

namespace tempoload::plugin {

struct AthleteVisit {
  bool first_visit = false;  // registered by this call
  std::int64_t first_seen_unix_ms = 0;
  std::uint32_t sessions = 0;   // sessions of this athlete on this machine
  std::string last_session_id;  // "" when none
  std::int64_t last_session_unix_ms = 0;
};

// Registers `athlete_id` (if new) at now_unix_ms, in one transaction. Throws StoreError.
AthleteVisit identify_athlete(SessionStore& store, const std::string& athlete_id,
                              std::int64_t now_unix_ms);

}  // namespace tempoload::plugin
