// Pain reports (GuidedSession.ReportPain): the athlete's 0-10 rating during a session, kept with
// the session for the coach's progression decisions (pain-monitoring model, docs/protocols.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plugin/storage/session_store.hpp"

namespace tempoload::plugin {

struct PainReport {
  std::string session_id;
  std::string athlete_id;
  std::int64_t at_unix_ms = 0;
  int pain_0_10 = 0;
  std::string location;      // "" when not given
  bool stopped_set = false;  // above the limit: the set was stopped
};

// Durable when it returns. Throws StoreError (e.g. an unknown session).
void record_pain(SessionStore& store, const PainReport& report);
std::vector<PainReport> pain_reports(SessionStore& store, const std::string& session_id);

}  // namespace tempoload::plugin
