#include "plugin/storage/pain_log.hpp"

namespace tempoload::plugin {

void record_pain(SessionStore& store, const PainReport& r) {
  store.with_db([&](Database& db) {
    db.prepare(
          "INSERT INTO pain_reports(session_id, athlete_id, at_unix_ms, pain_0_10, location, "
          "stopped_set) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, r.session_id)
        .bind(2, r.athlete_id)
        .bind(3, r.at_unix_ms)
        .bind(4, static_cast<std::int64_t>(r.pain_0_10))
        .bind(5, r.location)
        .bind(6, static_cast<std::int64_t>(r.stopped_set ? 1 : 0))
        .run();
  });
}

std::vector<PainReport> pain_reports(SessionStore& store, const std::string& session_id) {
  return store.with_db([&](Database& db) {
    std::vector<PainReport> out;
    auto q = db.prepare(
        "SELECT session_id, athlete_id, at_unix_ms, pain_0_10, location, stopped_set FROM "
        "pain_reports WHERE session_id = ? ORDER BY at_unix_ms, id");
    q.bind(1, session_id);
    while (q.step())
      out.push_back(PainReport{q.text(0), q.text(1), q.int64(2), static_cast<int>(q.int64(3)),
                               q.text(4), q.int64(5) != 0});
    return out;
  });
}

}  // namespace tempoload::plugin
