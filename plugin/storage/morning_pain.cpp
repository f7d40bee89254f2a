#include "plugin/storage/morning_pain.hpp"

#include <cstdio>
#include <ctime>

namespace tempoload::plugin {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b) < 0 ? 1 : 0); }

MorningPainRow row_from(const Statement& s) {
  return {s.text(0), s.text(1), static_cast<int>(s.int64(2)), s.int64(3), s.text(4)};
}

constexpr const char* kColumns =
    "SELECT athlete_id, day, pain_0_10, at_unix_ms, recorded_by FROM morning_pain";

}  // namespace

std::string utc_day(std::int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(floor_div(unix_ms, kDayMs) * 86'400);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

void save_morning_pain(Database& db, const MorningPainRow& r) {
  db.prepare(
        "INSERT OR REPLACE INTO morning_pain(athlete_id, day, pain_0_10, at_unix_ms, "
        "recorded_by) VALUES (?, ?, ?, ?, ?)")
      .bind(1, r.athlete_id)
      .bind(2, r.day)
      .bind(3, static_cast<std::int64_t>(r.pain_0_10))
      .bind(4, r.at_unix_ms)
      .bind(5, r.recorded_by)
      .run();
}

std::optional<MorningPainRow> morning_pain_on(Database& db, const std::string& athlete_id,
                                              const std::string& day) {
  auto s = db.prepare(std::string(kColumns) + " WHERE athlete_id = ? AND day = ?");
  s.bind(1, athlete_id).bind(2, day);
  if (!s.step()) return std::nullopt;
  return row_from(s);
}

std::vector<MorningPainRow> morning_pain_reports(Database& db, const std::string& athlete_id) {
  auto s = db.prepare(std::string(kColumns) + " WHERE athlete_id = ? ORDER BY day");
  s.bind(1, athlete_id);
  std::vector<MorningPainRow> out;
  while (s.step()) out.push_back(row_from(s));
  return out;
}

}  // namespace tempoload::plugin
