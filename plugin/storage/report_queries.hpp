// Reads of stored sessions as protobuf messages: the session report (also the body sent to the
// gym server), session lists and fault records. Free functions on a Database, shared by
// SessionStore and the read-only tools (tempoloadctl export).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plugin/storage/sqlite_db.hpp"
#include "tempoload/v1/training.pb.h"

namespace tempoload::plugin {

struct SessionRow {
  std::string session_id;
  std::string athlete_id;
  std::string machine_id;
  std::string status;  // running | finished | interrupted
  std::int64_t started_at_unix_ms = 0;
  std::int64_t ended_at_unix_ms = 0;  // 0 while running
  std::string prescription_source;    // request | gym_server | cache | local_edit
  std::int64_t prescription_version = 0;
  std::int64_t loaded_ms = 0;
  std::int64_t reps_attempted = 0;
  std::int64_t reps_counted = 0;
};

// The session as a report: sets, reps, summary, prescription origin, usage (faults of the
// session, each with its duration; an active one up to the session's end).
std::optional<tempoload::v1::SessionReport> build_report(Database& db,
                                                         const std::string& session_id);

// Sessions oldest first; session_id "" = all.
std::vector<SessionRow> list_sessions(Database& db, const std::string& session_id = "");

// The columns every session listing selects, in SessionRow's order (then a query's own), and
// the row they make.
inline constexpr const char* kSessionRowColumns =
    "s.session_id, s.athlete_id, s.machine_id, s.status, s.started_at_unix_ms, "
    "COALESCE(s.ended_at_unix_ms, 0), s.prescription_source, s.prescription_version, "
    "s.loaded_ms, (SELECT COUNT(*) FROM reps r WHERE r.session_id = s.session_id), "
    "(SELECT COUNT(*) FROM reps r WHERE r.session_id = s.session_id AND r.counted)";
inline constexpr int kSessionRowColumnCount = 11;
SessionRow session_row(const Statement& s);

// Faults that overlap [from, to); an active fault's duration runs to `to` (or `now` if
// earlier). duration_s is the part inside the window.
std::vector<tempoload::v1::FaultRecord> faults_between(Database& db, std::int64_t from_unix_ms,
                                                       std::int64_t to_unix_ms,
                                                       std::int64_t now_unix_ms);

// The source as stored in the sessions table, and back.
std::string source_column(tempoload::v1::PrescriptionSource source);
tempoload::v1::PrescriptionSource source_from_column(const std::string& column);

}  // namespace tempoload::plugin
