#include "plugin/ctl/export_cmd.hpp"

#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "plugin/storage/report_queries.hpp"
#include "plugin/storage/sample_codec.hpp"
#include "plugin/storage/schema.hpp"
#include "plugin/usage/usage_log.hpp"

namespace tempoload::ctl {
namespace {

namespace tp = tempoload::plugin;
namespace v1 = tempoload::v1;
using nlohmann::ordered_json;

constexpr int kExitFailed = 1;
constexpr int kExitNotFound = 4;

// A table built once, written as CSV or as a JSON array of objects.
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<ordered_json>> rows;
};

std::string csv_field(const ordered_json& v) {
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

void write(const Table& t, const std::string& format, std::ostream& out) {
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

ordered_json time_or_null(std::int64_t unix_ms) {
  return unix_ms == 0 ? ordered_json(nullptr) : ordered_json(tp::iso_utc(unix_ms));
}

Table sessions_table(const std::vector<tp::SessionRow>& sessions) {
  Table t{
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

void add_reps(Table& t, const v1::SessionReport& report) {
  for (const auto& set : report.sets())
    for (const auto& r : set.reps())
      t.rows.push_back({report.session_id(), set.set_index(), r.index(),
                        v1::RepVerdict_Name(r.verdict()), r.counted(), r.concentric_s(),
                        r.top_pause_s(), r.eccentric_s(), r.bottom_pause_s(), r.range_m(),
                        r.peak_force_left_n(), r.peak_force_right_n(), r.mean_force_left_n(),
                        r.mean_force_right_n(), r.time_under_tension_s(), r.symmetry_index_pct(),
                        time_or_null(r.completed_at_unix_ms()), r.cue()});
}

int export_samples(tp::Database& db, const ExportArgs& a, std::ostream& out, std::ostream& err) {
  auto s = db.prepare(
      "SELECT samples, COALESCE(pruned_at_unix_ms, 0), dropped FROM set_samples WHERE "
      "session_id = ? AND set_index = ?");
  s.bind(1, a.session).bind(2, static_cast<std::int64_t>(a.set_index));
  if (!s.step()) {
    err << "no raw samples for session '" << a.session << "' set " << a.set_index << "\n";
    return kExitNotFound;
  }
  if (s.is_null(0)) {
    err << "the raw samples of session '" << a.session << "' set " << a.set_index
        << " were pruned at " << tp::iso_utc(s.int64(1))
        << " after the report was delivered (--prune-samples-after-upload)\n";
    return kExitNotFound;
  }
  const auto samples = tp::decode_samples(s.blob(0));
  if (s.int64(2) > 0)
    err << "note: " << s.int64(2) << " samples of this set were lost before they were stored\n";
  Table t{{"t_s", "force_left_n", "force_right_n", "position_m"}, {}};
  t.rows.reserve(samples.size());
  for (const auto& x : samples)
    t.rows.push_back({x.t_s, x.force_left_n, x.force_right_n, x.position_m});
  write(t, a.format, out);
  return 0;
}

}  // namespace

int run_export(const ExportArgs& a, std::ostream& out, std::ostream& err) {
  try {
    tp::Database db(a.db, tp::Database::Mode::kReadOnly);
    tp::require_current_schema(db);
    if (a.what == "samples") {
      if (a.session.empty()) {
        err << "--session: required with --what samples\n";
        return 2;
      }
      return export_samples(db, a, out, err);
    }
    const auto sessions = tp::list_sessions(db, a.session);
    if (!a.session.empty() && sessions.empty()) {
      err << "no session '" << a.session << "' in " << a.db << "\n";
      return kExitNotFound;
    }
    if (a.what == "sessions") {
      write(sessions_table(sessions), a.format, out);
      return 0;
    }
    Table reps{{"session_id", "set_index", "rep", "verdict", "counted", "concentric_s",
                "top_pause_s", "eccentric_s", "bottom_pause_s", "range_m", "peak_force_left_n",
                "peak_force_right_n", "mean_force_left_n", "mean_force_right_n",
                "time_under_tension_s", "symmetry_index_pct", "completed_at", "cue"},
               {}};
    for (const auto& s : sessions)
      if (auto report = tp::build_report(db, s.session_id)) add_reps(reps, *report);
    write(reps, a.format, out);
    return 0;
  } catch (const std::exception& e) {
    err << "export from " << a.db << ": " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace tempoload::ctl
