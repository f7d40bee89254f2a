#include "plugin/storage/report_queries.hpp"

#include <algorithm>

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

v1::FaultRecord fault_from_row(const Statement& s) {
  // Columns: code, message, session_id, at, cleared (NULL while active).
  v1::FaultRecord f;
  f.set_code(s.text(0));
  f.set_message(s.text(1));
  f.set_session_id(s.text(2));
  f.set_started_at_unix_ms(s.int64(3));
  if (!s.is_null(4)) f.set_cleared_at_unix_ms(s.int64(4));
  return f;
}

}  // namespace

std::string source_column(v1::PrescriptionSource source) {
  switch (source) {
    case v1::PRESCRIPTION_SOURCE_GYM_SERVER:
      return "gym_server";
    case v1::PRESCRIPTION_SOURCE_CACHE:
      return "cache";
    case v1::PRESCRIPTION_SOURCE_LOCAL_EDIT:
      return "local_edit";
    default:
      return "request";
  }
}

v1::PrescriptionSource source_from_column(const std::string& column) {
  if (column == "gym_server") return v1::PRESCRIPTION_SOURCE_GYM_SERVER;
  if (column == "cache") return v1::PRESCRIPTION_SOURCE_CACHE;
  if (column == "local_edit") return v1::PRESCRIPTION_SOURCE_LOCAL_EDIT;
  return v1::PRESCRIPTION_SOURCE_REQUEST;
}

std::optional<v1::SessionReport> build_report(Database& db, const std::string& id) {
  auto s = db.prepare(
      "SELECT athlete_id, machine_id, machine_model, started_at_unix_ms, "
      "COALESCE(ended_at_unix_ms, 0), prescription_source, prescription_version, "
      "prescription_note, loaded_ms FROM sessions WHERE session_id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  v1::SessionReport report;
  report.set_session_id(id);
  report.set_athlete_id(s.text(0));
  report.set_machine_id(s.text(1));
  report.set_machine_model(s.text(2));
  report.set_started_at_unix_ms(s.int64(3));
  report.set_ended_at_unix_ms(s.int64(4));
  auto* origin = report.mutable_prescription_origin();
  origin->set_source(source_from_column(s.text(5)));
  origin->set_version(static_cast<std::uint32_t>(s.int64(6)));
  origin->set_note(s.text(7));
  auto* usage = report.mutable_usage();
  usage->set_loaded_s(static_cast<double>(s.int64(8)) / 1000.0);

  auto sets = db.prepare(
      "SELECT set_index, prescription, summary, rest_before_s FROM sets WHERE session_id = ? "
      "ORDER BY set_index");
  sets.bind(1, id);
  std::uint32_t cycles = 0;
  while (sets.step()) {
    auto* set = report.add_sets();
    set->set_set_index(static_cast<std::uint32_t>(sets.int64(0)));
    set->mutable_prescription()->ParseFromString(sets.blob(1));
    if (!sets.is_null(2)) set->mutable_summary()->ParseFromString(sets.blob(2));
    set->set_rest_before_s(sets.real(3));
    auto reps = db.prepare(
        "SELECT result FROM reps WHERE session_id = ? AND set_index = ? ORDER BY rep_index");
    reps.bind(1, id).bind(2, sets.int64(0));
    while (reps.step()) set->add_reps()->ParseFromString(reps.blob(0));
    cycles += static_cast<std::uint32_t>(set->reps_size());
  }
  // A dynamometer session: its results as last saved (or just its prescription).
  auto dyno =
      db.prepare("SELECT prescription, results FROM dynamometer_tests WHERE session_id = ?");
  dyno.bind(1, id);
  if (dyno.step()) {
    auto* test = report.mutable_dynamometer_test();
    if (!dyno.is_null(1)) test->ParseFromString(dyno.blob(1));
    if (!test->has_prescription()) test->mutable_prescription()->ParseFromString(dyno.blob(0));
    for (const auto& series : test->results())
      cycles += static_cast<std::uint32_t>(series.reps_size());
  }
  // Another protocol's results (isometric, MVIC, RM, heel-rise test), merged in.
  auto protocol = db.prepare("SELECT result FROM protocol_results WHERE session_id = ?");
  protocol.bind(1, id);
  if (protocol.step()) report.MergeFromString(protocol.blob(0));
  usage->set_machine_cycles(cycles);

  auto faults = db.prepare(
      "SELECT code, message, COALESCE(session_id, ''), at_unix_ms, cleared_at_unix_ms FROM "
      "faults WHERE session_id = ? ORDER BY at_unix_ms, id");
  faults.bind(1, id);
  while (faults.step()) {
    auto f = fault_from_row(faults);
    const std::int64_t until =
        f.cleared_at_unix_ms() != 0 ? f.cleared_at_unix_ms() : report.ended_at_unix_ms();
    f.set_duration_s(std::max<std::int64_t>(0, until - f.started_at_unix_ms()) / 1000.0);
    *usage->add_faults() = std::move(f);
  }
  return report;
}

SessionRow session_row(const Statement& s) {
  SessionRow r;
  r.session_id = s.text(0);
  r.athlete_id = s.text(1);
  r.machine_id = s.text(2);
  r.status = s.text(3);
  r.started_at_unix_ms = s.int64(4);
  r.ended_at_unix_ms = s.int64(5);
  r.prescription_source = s.text(6);
  r.prescription_version = s.int64(7);
  r.loaded_ms = s.int64(8);
  r.reps_attempted = s.int64(9);
  r.reps_counted = s.int64(10);
  return r;
}

std::vector<SessionRow> list_sessions(Database& db, const std::string& session_id) {
  auto s = db.prepare(std::string("SELECT ") + kSessionRowColumns +
                      " FROM sessions s WHERE (? = '' OR s.session_id = ?) ORDER BY "
                      "s.started_at_unix_ms, s.session_id");
  s.bind(1, session_id).bind(2, session_id);
  std::vector<SessionRow> rows;
  while (s.step()) rows.push_back(session_row(s));
  return rows;
}

std::vector<v1::FaultRecord> faults_between(Database& db, std::int64_t from, std::int64_t to,
                                            std::int64_t now) {
  auto s = db.prepare(
      "SELECT code, message, COALESCE(session_id, ''), at_unix_ms, cleared_at_unix_ms FROM "
      "faults WHERE at_unix_ms < ? AND (cleared_at_unix_ms IS NULL OR cleared_at_unix_ms >= ?) "
      "ORDER BY at_unix_ms, id");
  s.bind(1, to).bind(2, from);
  std::vector<v1::FaultRecord> out;
  while (s.step()) {
    auto f = fault_from_row(s);
    const std::int64_t end =
        f.cleared_at_unix_ms() != 0 ? std::min(f.cleared_at_unix_ms(), to) : std::min(to, now);
    const std::int64_t begin = std::max(f.started_at_unix_ms(), from);
    f.set_duration_s(std::max<std::int64_t>(0, end - begin) / 1000.0);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace tempoload::plugin
