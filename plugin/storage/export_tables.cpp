#include "plugin/storage/export_tables.hpp"

#include "plugin/usage/usage_log.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
using nlohmann::ordered_json;
namespace {

std::string csv_field(const ordered_json& v) {
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

ordered_json time_or_null(std::int64_t unix_ms) {
  return unix_ms == 0 ? ordered_json(nullptr) : ordered_json(iso_utc(unix_ms));
}

}  // namespace

void write_table(const ExportTable& t, const std::string& format, std::ostream& out) {
  if (format == "json") {
    ordered_json array = ordered_json::array();
    for (const auto& row : t.rows) {
      ordered_json o;
      for (std::size_t i = 0; i < t.columns.size(); ++i) o[t.columns[i]] = row[i];
      array.push_back(std::move(o));
    }
    out << array.dump(2, ' ', false, ordered_json::error_handler_t::replace) << "\n";
    return;
  }
  for (std::size_t i = 0; i < t.columns.size(); ++i) out << (i ? "," : "") << t.columns[i];
  out << "\r\n";
  for (const auto& row : t.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_field(row[i]);
    out << "\r\n";
  }
}

ExportTable sessions_table(const std::vector<SessionRow>& sessions) {
  ExportTable t{
      {"session_id", "athlete_id", "machine_id", "status", "started_at", "ended_at",
       "reps_attempted", "reps_counted", "loaded_s", "prescription_source", "prescription_version"},
      {}};
  for (const auto& s : sessions)
    t.rows.push_back({s.session_id, s.athlete_id, s.machine_id, s.status,
                      time_or_null(s.started_at_unix_ms), time_or_null(s.ended_at_unix_ms),
                      s.reps_attempted, s.reps_counted, s.loaded_ms / 1000.0, s.prescription_source,
                      s.prescription_version});
  return t;
}

ExportTable reps_table(Database& db, const std::vector<SessionRow>& sessions) {
  ExportTable t{{"session_id", "set_index", "rep", "verdict", "counted", "concentric_s",
                 "top_pause_s", "eccentric_s", "bottom_pause_s", "range_m", "peak_force_left_n",
                 "peak_force_right_n", "mean_force_left_n", "mean_force_right_n",
                 "time_under_tension_s", "symmetry_index_pct", "completed_at", "cue"},
                {}};
  for (const auto& s : sessions) {
    const auto report = build_report(db, s.session_id);
    if (!report) continue;
    for (const auto& set : report->sets())
      for (const auto& r : set.reps())
        t.rows.push_back({report->session_id(), set.set_index(), r.index(),
                          v1::RepVerdict_Name(r.verdict()), r.counted(), r.concentric_s(),
                          r.top_pause_s(), r.eccentric_s(), r.bottom_pause_s(), r.range_m(),
                          r.peak_force_left_n(), r.peak_force_right_n(), r.mean_force_left_n(),
                          r.mean_force_right_n(), r.time_under_tension_s(), r.symmetry_index_pct(),
                          time_or_null(r.completed_at_unix_ms()), r.cue()});
  }
  return t;
}

ExportTable usage_table(Database& db, std::int64_t from, std::int64_t to) {
  ExportTable t{{"day", "athlete_id", "sessions", "loaded_s", "reps_counted", "reps_attempted"},
                {}};
  for (const auto& d : daily_usage(db, from, to))
    t.rows.push_back({d.day, d.usage.athlete_id(), d.usage.sessions(), d.usage.loaded_s(),
                      d.usage.reps_counted(), d.usage.reps_attempted()});
  return t;
}

}  // namespace tempoload::plugin
