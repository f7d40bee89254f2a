#include "plugin/storage/athlete_queries.hpp"

namespace tempoload::plugin {
namespace {

// "(?, ?, ?)" for n placeholders; "(NULL)" for none, which matches nothing.
std::string placeholders(std::size_t n) {
  if (n == 0) return "(NULL)";
  std::string s = "(";
  for (std::size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s + ")";
}

constexpr const char* kAthleteColumns =
    "SELECT a.athlete_id, a.first_seen_unix_ms, "
    "COALESCE((SELECT MAX(started_at_unix_ms) FROM sessions s WHERE s.athlete_id = a.athlete_id), "
    "0), (SELECT COUNT(*) FROM sessions s WHERE s.athlete_id = a.athlete_id), "
    "COALESCE((SELECT MAX(version) FROM prescriptions p WHERE p.athlete_id = a.athlete_id), 0) "
    "FROM athletes a";

AthleteRow athlete_from(const Statement& s) {
  return {s.text(0), s.int64(1), s.int64(2), s.int64(3), s.int64(4)};
}

}  // namespace

std::vector<AthleteRow> list_athletes(Database& db,
                                      const std::optional<std::vector<std::string>>& only) {
  std::string sql = kAthleteColumns;
  if (only) sql += " WHERE a.athlete_id IN " + placeholders(only->size());
  sql += " ORDER BY a.athlete_id";
  auto s = db.prepare(sql);
  if (only)
    for (std::size_t i = 0; i < only->size(); ++i) s.bind(static_cast<int>(i + 1), (*only)[i]);
  std::vector<AthleteRow> out;
  while (s.step()) out.push_back(athlete_from(s));
  return out;
}

std::optional<AthleteRow> find_athlete(Database& db, const std::string& athlete_id) {
  auto s = db.prepare(std::string(kAthleteColumns) + " WHERE a.athlete_id = ?");
  s.bind(1, athlete_id);
  if (!s.step()) return std::nullopt;
  return athlete_from(s);
}

SessionPage sessions_page(Database& db, const SessionQuery& q) {
  std::string sql = std::string("SELECT ") + kSessionRowColumns +
                    ", EXISTS(SELECT 1 FROM dynamometer_tests d WHERE d.session_id = s.session_id) "
                    "FROM sessions s WHERE s.started_at_unix_ms >= ? AND s.started_at_unix_ms < ?";
  if (q.athletes) sql += " AND s.athlete_id IN " + placeholders(q.athletes->size());
  sql += " ORDER BY s.started_at_unix_ms DESC, s.session_id DESC LIMIT ? OFFSET ?";
  auto s = db.prepare(sql);
  int i = 1;
  s.bind(i++, q.from_unix_ms);
  s.bind(i++, q.to_unix_ms == 0 ? INT64_MAX : q.to_unix_ms);
  if (q.athletes)
    for (const auto& a : *q.athletes) s.bind(i++, a);
  s.bind(i++, q.limit + 1);  // one more tells whether there is a next page
  s.bind(i++, q.offset);
  SessionPage page;
  while (s.step()) {
    if (static_cast<std::int64_t>(page.sessions.size()) == q.limit) {
      page.more = true;
      break;
    }
    page.sessions.push_back(session_row(s));
    page.dynamometer.push_back(s.int64(kSessionRowColumnCount) != 0);
  }
  return page;
}

}  // namespace tempoload::plugin
