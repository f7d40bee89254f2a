#include "plugin/storage/athlete_visits.hpp"

namespace tempoload::plugin {

AthleteVisit identify_athlete(SessionStore& store, const std::string& athlete_id,
                              std::int64_t now_unix_ms) {
  return store.with_db([&](Database& db) {
    return db.transaction([&] {
      AthleteVisit v;
      auto insert = db.prepare(
          "INSERT OR IGNORE INTO athletes(athlete_id, first_seen_unix_ms) VALUES (?, ?)");
      insert.bind(1, athlete_id).bind(2, now_unix_ms).run();
      v.first_visit = sqlite3_changes(db.handle()) > 0;
      auto seen = db.prepare("SELECT first_seen_unix_ms FROM athletes WHERE athlete_id = ?");
      seen.bind(1, athlete_id);
      if (seen.step()) v.first_seen_unix_ms = seen.int64(0);
      auto count = db.prepare("SELECT COUNT(*) FROM sessions WHERE athlete_id = ?");
      count.bind(1, athlete_id);
      if (count.step()) v.sessions = static_cast<std::uint32_t>(count.int64(0));
      auto last = db.prepare(
          "SELECT session_id, started_at_unix_ms FROM sessions WHERE athlete_id = ? "
          "ORDER BY started_at_unix_ms DESC LIMIT 1");
      last.bind(1, athlete_id);
      if (last.step()) {
        v.last_session_id = last.text(0);
        v.last_session_unix_ms = last.int64(1);
      }
      return v;
    });
  });
}

}  // namespace tempoload::plugin
