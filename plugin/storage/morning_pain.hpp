// The athlete's morning pain (schema v5, table morning_pain): one 0-10 score per athlete and UTC
// day (first steps or a single-leg heel raise), recorded through Coach.RecordMorningPain. The
// progression model compares the morning after a session with the morning before it and with
// the same morning a week earlier (protocols/progression.hpp, rules 2 and 3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plugin/storage/sqlite_db.hpp"

namespace tempoload::plugin {

// The UTC calendar day of a time, "2026-11-21" (also before 1970).
std::string utc_day(std::int64_t unix_ms);

struct MorningPainRow {
  std::string athlete_id;
  std::string day;  // UTC, "YYYY-MM-DD"
  int pain_0_10 = 0;
  std::int64_t at_unix_ms = 0;
  std::string recorded_by;  // the caller's token id, or "host"
};

// Stores the report; a report for the same athlete and day replaces the earlier one. Throws
// StoreError.
void save_morning_pain(Database& db, const MorningPainRow& row);

// The report for that athlete and day, or nullopt.
std::optional<MorningPainRow> morning_pain_on(Database& db, const std::string& athlete_id,
                                              const std::string& day);

// The athlete's reports, oldest day first.
std::vector<MorningPainRow> morning_pain_reports(Database& db, const std::string& athlete_id);

}  // namespace tempoload::plugin
