#include "plugin/storage/session_store.hpp"

#include <google/protobuf/util/json_util.h>

#include "plugin/storage/report_queries.hpp"

namespace tempoload::plugin {
namespace {

std::string serialize(const google::protobuf::Message& m) {
  std::string out;
  m.SerializeToString(&out);
  return out;
}

// protocol_results.kind: which protocol report a session carries.
const char* protocol_kind(const tempoload::v1::SessionReport& r) {
  if (r.has_isometric()) return "isometric";
  if (r.has_mvic_test()) return "mvic_test";
  if (r.has_rm_test()) return "rm_test";
  if (r.has_heel_rise_test()) return "heel_rise_test";
  throw StoreError("close_session: the protocol report names no protocol");
}

}  // namespace

SessionStore::SessionStore(const std::filesystem::path& path) : db_(path) { migrate_schema(db_); }

void SessionStore::begin_session(const SessionStart& s,
                                 const tempoload::v1::StartDynamometerTestRequest* dynamometer) {
  std::lock_guard lock(mutex_);
  db_.transaction([&] {
    db_.prepare(
           "INSERT INTO athletes(athlete_id, first_seen_unix_ms, last_session_unix_ms) VALUES "
           "(?1, ?2, ?2) ON CONFLICT(athlete_id) DO UPDATE SET last_session_unix_ms = ?2")
        .bind(1, s.athlete_id)
        .bind(2, s.started_at_unix_ms)
        .run();
    db_.prepare(
           "INSERT INTO sessions(session_id, athlete_id, machine_id, machine_model, "
           "started_at_unix_ms, status, prescription_source, prescription_version, "
           "prescription_note) VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)")
        .bind(1, s.session_id)
        .bind(2, s.athlete_id)
        .bind(3, s.machine_id)
        .bind(4, s.machine_model)
        .bind(5, s.started_at_unix_ms)
        .bind(6, source_column(s.origin.source()))
        .bind(7, static_cast<std::int64_t>(s.origin.version()))
        .bind(8, s.origin.note())
        .run();
    if (dynamometer) {
      db_.prepare("INSERT INTO dynamometer_tests(session_id, prescription) VALUES (?, ?)")
          .bind(1, s.session_id)
          .bind_blob(2, serialize(*dynamometer))
          .run();
      return;
    }
    if (!s.tempo_sets) return;
    db_.prepare("INSERT INTO sets(session_id, set_index, prescription) VALUES (?, 1, ?)")
        .bind(1, s.session_id)
        .bind_blob(2, serialize(s.prescription))
        .run();
  });
}

void SessionStore::add_rep(const std::string& session_id, const tempoload::v1::RepResult& rep,
                           int set_index) {
  std::lock_guard lock(mutex_);
  db_.prepare(
         "INSERT INTO reps(session_id, set_index, rep_index, counted, verdict, eccentric_s, "
         "result) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, session_id)
      .bind(2, static_cast<std::int64_t>(set_index))
      .bind(3, static_cast<std::int64_t>(rep.index()))
      .bind(4, static_cast<std::int64_t>(rep.counted()))
      .bind(5, tempoload::v1::RepVerdict_Name(rep.verdict()))
      .bind(6, rep.eccentric_s())
      .bind_blob(7, serialize(rep))
      .run();
}

void SessionStore::begin_set(const std::string& session_id, int set_index,
                             const tempoload::v1::SetPrescription& prescription,
                             double rest_before_s) {
  std::lock_guard lock(mutex_);
  db_.prepare(
         "INSERT OR IGNORE INTO sets(session_id, set_index, prescription, rest_before_s) "
         "VALUES (?, ?, ?, ?)")
      .bind(1, session_id)
      .bind(2, static_cast<std::int64_t>(set_index))
      .bind_blob(3, serialize(prescription))
      .bind(4, rest_before_s)
      .run();
}

void SessionStore::add_fault(const std::string& session_id, const std::string& code,
                             const std::string& message, std::int64_t at_unix_ms,
                             std::optional<std::int64_t> cleared_at_unix_ms) {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare(
      "INSERT INTO faults(session_id, code, message, at_unix_ms, cleared_at_unix_ms) VALUES "
      "(?, ?, ?, ?, ?)");
  if (session_id.empty())
    st.bind_null(1);
  else
    st.bind(1, session_id);
  st.bind(2, code).bind(3, message).bind(4, at_unix_ms);
  if (cleared_at_unix_ms)
    st.bind(5, *cleared_at_unix_ms);
  else
    st.bind_null(5);
  st.run();
}

int SessionStore::clear_active_faults(std::int64_t at_unix_ms) {
  std::lock_guard lock(mutex_);
  db_.prepare(
         "UPDATE faults SET cleared_at_unix_ms = MAX(?1, at_unix_ms) WHERE cleared_at_unix_ms "
         "IS NULL")
      .bind(1, at_unix_ms)
      .run();
  return sqlite3_changes(db_.handle());
}

bool SessionStore::has_active_faults() {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT EXISTS(SELECT 1 FROM faults WHERE cleared_at_unix_ms IS NULL)");
  s.step();
  return s.int64(0) != 0;
}

tempoload::v1::SessionReport SessionStore::close_session(const std::string& session_id,
                                                         const SessionResults& results,
                                                         std::int64_t ended_at_unix_ms,
                                                         const SessionEnd& end) {
  std::lock_guard lock(mutex_);
  return db_.transaction([&] {
    db_.prepare(
           "UPDATE sessions SET ended_at_unix_ms = ?, status = ?, loaded_ms = ? WHERE "
           "session_id = ?")
        .bind(1, ended_at_unix_ms)
        .bind(2, end.interrupted ? "interrupted" : "finished")
        .bind(3, end.loaded_ms)
        .bind(4, session_id)
        .run();
    for (const auto& [index, summary] : results.sets)
      db_.prepare("UPDATE sets SET summary = ? WHERE session_id = ? AND set_index = ?")
          .bind_blob(1, serialize(summary))
          .bind(2, session_id)
          .bind(3, static_cast<std::int64_t>(index))
          .run();
    if (results.protocol)
      db_.prepare(
             "INSERT OR REPLACE INTO protocol_results(session_id, kind, result) VALUES "
             "(?, ?, ?)")
          .bind(1, session_id)
          .bind(2, protocol_kind(*results.protocol))
          .bind_blob(3, serialize(*results.protocol))
          .run();
    auto report = build_report(db_, session_id);
    if (!report) throw StoreError("close_session: unknown session '" + session_id + "'");
    std::string json;
    google::protobuf::util::JsonPrintOptions opts;
    opts.always_print_primitive_fields = true;
    if (!google::protobuf::util::MessageToJsonString(*report, &json, opts).ok())
      throw StoreError("cannot encode the report of session '" + session_id + "' as JSON");
    if (!outbox_enqueue(db_, kKindSessionReport, session_id, json, ended_at_unix_ms))
      throw StoreError("close_session: session '" + session_id + "' was already reported");
    return *report;
  });
}

std::optional<tempoload::v1::SessionReport> SessionStore::load_report(const std::string& id) {
  std::lock_guard lock(mutex_);
  return build_report(db_, id);
}

std::vector<std::string> SessionStore::running_sessions() {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(
      "SELECT session_id FROM sessions WHERE status = 'running' ORDER BY started_at_unix_ms");
  std::vector<std::string> ids;
  while (s.step()) ids.push_back(s.text(0));
  return ids;
}

void SessionStore::store_samples(const std::string& session_id, int set_index,
                                 const std::string& blob, std::int64_t sample_count,
                                 std::int64_t dropped, std::int64_t at_unix_ms) {
  std::lock_guard lock(mutex_);
  db_.prepare(
         "INSERT OR REPLACE INTO set_samples(session_id, set_index, sample_count, dropped, "
         "encoding, samples, stored_at_unix_ms) VALUES (?, ?, ?, ?, 'tls1', ?, ?)")
      .bind(1, session_id)
      .bind(2, static_cast<std::int64_t>(set_index))
      .bind(3, sample_count)
      .bind(4, dropped)
      .bind_blob(5, blob)
      .bind(6, at_unix_ms)
      .run();
}

std::optional<StoredSamples> SessionStore::load_samples(const std::string& session_id,
                                                        int set_index) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(
      "SELECT sample_count, dropped, encoding, samples, COALESCE(pruned_at_unix_ms, 0) FROM "
      "set_samples WHERE session_id = ? AND set_index = ?");
  s.bind(1, session_id).bind(2, static_cast<std::int64_t>(set_index));
  if (!s.step()) return std::nullopt;
  StoredSamples out{s.int64(0), s.int64(1), s.text(2), std::nullopt, s.int64(4)};
  if (!s.is_null(3)) out.blob = s.blob(3);
  return out;
}

int SessionStore::prune_samples(const std::string& session_id, std::int64_t at_unix_ms) {
  std::lock_guard lock(mutex_);
  db_.prepare(
         "UPDATE set_samples SET samples = NULL, pruned_at_unix_ms = ? WHERE session_id = ? AND "
         "samples IS NOT NULL")
      .bind(1, at_unix_ms)
      .bind(2, session_id)
      .run();
  return sqlite3_changes(db_.handle());
}

bool SessionStore::enqueue(const std::string& kind, const std::string& key, const std::string& body,
                           std::int64_t now_unix_ms) {
  std::lock_guard lock(mutex_);
  return outbox_enqueue(db_, kind, key, body, now_unix_ms);
}

std::optional<OutboxEntry> SessionStore::next_due(std::int64_t now_unix_ms,
                                                  const std::vector<std::int64_t>& exclude) {
  std::lock_guard lock(mutex_);
  return outbox_next_due(db_, now_unix_ms, exclude);
}

void SessionStore::mark_delivered(std::int64_t id, std::int64_t at_unix_ms, int http_status) {
  std::lock_guard lock(mutex_);
  outbox_mark_delivered(db_, id, at_unix_ms, http_status);
}

void SessionStore::mark_retry(std::int64_t id, std::int64_t next_attempt_unix_ms,
                              const std::string& error, int http_status) {
  std::lock_guard lock(mutex_);
  outbox_mark_retry(db_, id, next_attempt_unix_ms, error, http_status);
}

void SessionStore::mark_rejected(std::int64_t id, const std::string& error, int http_status) {
  std::lock_guard lock(mutex_);
  outbox_mark_final(db_, id, "rejected", error, http_status);
}

void SessionStore::mark_conflict(std::int64_t id, const std::string& error, int http_status) {
  std::lock_guard lock(mutex_);
  outbox_mark_final(db_, id, "conflict", error, http_status);
}

OutboxStatus SessionStore::outbox_status() {
  std::lock_guard lock(mutex_);
  return plugin::outbox_status(db_);
}

std::optional<std::int64_t> SessionStore::next_attempt_time() {
  std::lock_guard lock(mutex_);
  return outbox_next_attempt_time(db_);
}

}  // namespace tempoload::plugin
