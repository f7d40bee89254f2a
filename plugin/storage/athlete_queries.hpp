// Athletes and their sessions as coaches see them (Coach service): the athletes this machine
// knows, a page of sessions filtered by athlete and start time. Free functions on a Database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plugin/storage/report_queries.hpp"
#include "plugin/storage/sqlite_db.hpp"

namespace tempoload::plugin {

struct AthleteRow {
  std::string athlete_id;
  std::int64_t first_seen_unix_ms = 0;
  std::int64_t last_session_unix_ms = 0;  // 0 = none
  std::int64_t sessions = 0;
  std::int64_t prescription_version = 0;  // newest held here, any state; 0 = none
};

// By id; `only` = the athletes a caller may see (nullopt: all).
std::vector<AthleteRow> list_athletes(Database& db,
                                      const std::optional<std::vector<std::string>>& only);
std::optional<AthleteRow> find_athlete(Database& db, const std::string& athlete_id);

struct SessionQuery {
  std::optional<std::vector<std::string>> athletes;  // nullopt: every athlete
  std::int64_t from_unix_ms = 0;                     // started at or after; 0 = no bound
  std::int64_t to_unix_ms = 0;                       // started before; 0 = no bound
  std::int64_t offset = 0;
  std::int64_t limit = 50;
};

struct SessionPage {
  std::vector<SessionRow> sessions;  // newest first
  std::vector<bool> dynamometer;     // per session: a dynamometer test
  bool more = false;                 // sessions after this page
};
SessionPage sessions_page(Database& db, const SessionQuery& q);

}  // namespace tempoload::plugin
