#include "plugin/storage/session_store.hpp"

#include <google/protobuf/util/json_util.h>

namespace tempoload::plugin {
namespace {

// Version 1 of the schema. Later versions add steps to migrate(), never edit this one.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE sessions (
  session_id TEXT PRIMARY KEY,
  athlete_id TEXT NOT NULL,
  machine_id TEXT NOT NULL,
  machine_model TEXT NOT NULL,
  started_at_unix_ms INTEGER NOT NULL,
  ended_at_unix_ms INTEGER,
  status TEXT NOT NULL                -- running | finished
);
CREATE TABLE sets (
  session_id TEXT NOT NULL REFERENCES sessions(session_id),
  set_index INTEGER NOT NULL,
  prescription BLOB NOT NULL,         -- tempoload.v1.SetPrescription, protobuf binary
  summary BLOB,                       -- tempoload.v1.SetSummary, protobuf binary
  PRIMARY KEY (session_id, set_index)
);
CREATE TABLE reps (
  session_id TEXT NOT NULL REFERENCES sessions(session_id),
  set_index INTEGER NOT NULL,
  rep_index INTEGER NOT NULL,
  counted INTEGER NOT NULL,
  verdict TEXT NOT NULL,
  eccentric_s REAL NOT NULL,
  result BLOB NOT NULL,               -- tempoload.v1.RepResult, protobuf binary
  PRIMARY KEY (session_id, set_index, rep_index)
);
CREATE TABLE faults (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  at_unix_ms INTEGER NOT NULL
);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  idempotency_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at_unix_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_unix_ms INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',  -- pending | delivered | rejected
  last_error TEXT,
  delivered_at_unix_ms INTEGER
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_unix_ms);
)sql";

std::string serialize(const google::protobuf::Message& m) {
  std::string out;
  m.SerializeToString(&out);
  return out;
}

}  // namespace

SessionStore::SessionStore(const std::filesystem::path& path) : db_(path) { migrate(); }

void SessionStore::migrate() {
  std::lock_guard lock(mutex_);
  const int version = db_.user_version();
  if (version > kSchemaVersion)
    throw StoreError("database schema version " + std::to_string(version) +
                     " is newer than this plugin understands (" +
                     std::to_string(kSchemaVersion) + "); refusing to touch it");
  if (version < 1) {
    db_.transaction([&] {
      db_.exec(kSchemaV1);
      db_.set_user_version(1);
    });
  }
}

void SessionStore::begin_session(const SessionStart& s) {
  std::lock_guard lock(mutex_);
  db_.transaction([&] {
    db_.prepare(
           "INSERT INTO sessions(session_id, athlete_id, machine_id, machine_model, "
           "started_at_unix_ms, status) VALUES (?, ?, ?, ?, ?, 'running')")
        .bind(1, s.session_id)
        .bind(2, s.athlete_id)
        .bind(3, s.machine_id)
        .bind(4, s.machine_model)
        .bind(5, s.started_at_unix_ms)
        .run();
    db_.prepare("INSERT INTO sets(session_id, set_index, prescription) VALUES (?, 1, ?)")
        .bind(1, s.session_id)
        .bind_blob(2, serialize(s.prescription))
        .run();
  });
}

void SessionStore::add_rep(const std::string& session_id, const tempoload::v1::RepResult& rep) {
  std::lock_guard lock(mutex_);
  db_.prepare(
         "INSERT INTO reps(session_id, set_index, rep_index, counted, verdict, eccentric_s, "
         "result) VALUES (?, 1, ?, ?, ?, ?, ?)")
      .bind(1, session_id)
      .bind(2, static_cast<std::int64_t>(rep.index()))
      .bind(3, static_cast<std::int64_t>(rep.counted()))
      .bind(4, tempoload::v1::RepVerdict_Name(rep.verdict()))
      .bind(5, rep.eccentric_s())
      .bind_blob(6, serialize(rep))
      .run();
}

void SessionStore::add_fault(const std::string& session_id, const std::string& code,
                             const std::string& message, std::int64_t at_unix_ms) {
  std::lock_guard lock(mutex_);
  db_.prepare("INSERT INTO faults(session_id, code, message, at_unix_ms) VALUES (?, ?, ?, ?)")
      .bind(1, session_id)
      .bind(2, code)
      .bind(3, message)
      .bind(4, at_unix_ms)
      .run();
}

tempoload::v1::SessionReport SessionStore::finish_session(
    const std::string& session_id, const tempoload::v1::SetSummary& summary,
    std::int64_t ended_at_unix_ms) {
  std::lock_guard lock(mutex_);
  return db_.transaction([&] {
    db_.prepare("UPDATE sessions SET ended_at_unix_ms = ?, status = 'finished' WHERE session_id = ?")
        .bind(1, ended_at_unix_ms)
        .bind(2, session_id)
        .run();
    db_.prepare("UPDATE sets SET summary = ? WHERE session_id = ? AND set_index = 1")
        .bind_blob(1, serialize(summary))
        .bind(2, session_id)
        .run();
    auto report = load_report_locked(session_id);
    if (!report) throw StoreError("finish_session: unknown session '" + session_id + "'");
    std::string json;
    google::protobuf::util::JsonPrintOptions opts;
    opts.always_print_primitive_fields = true;
    if (!google::protobuf::util::MessageToJsonString(*report, &json, opts).ok())
      throw StoreError("cannot encode the report of session '" + session_id + "' as JSON");
    db_.prepare(
           "INSERT INTO outbox(idempotency_key, kind, body, created_at_unix_ms, "
           "next_attempt_unix_ms) VALUES (?, 'session_report', ?, ?, ?)")
        .bind(1, session_id)
        .bind(2, json)
        .bind(3, ended_at_unix_ms)
        .bind(4, ended_at_unix_ms)
        .run();
    return *report;
  });
}

std::optional<tempoload::v1::SessionReport> SessionStore::load_report(const std::string& id) {
  std::lock_guard lock(mutex_);
  return load_report_locked(id);
}

std::optional<tempoload::v1::SessionReport> SessionStore::load_report_locked(
    const std::string& id) {
  auto s = db_.prepare(
      "SELECT athlete_id, machine_id, machine_model, started_at_unix_ms, "
      "COALESCE(ended_at_unix_ms, 0) FROM sessions WHERE session_id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  tempoload::v1::SessionReport report;
  report.set_session_id(id);
  report.set_athlete_id(s.text(0));
  report.set_machine_id(s.text(1));
  report.set_machine_model(s.text(2));
  report.set_started_at_unix_ms(s.int64(3));
  report.set_ended_at_unix_ms(s.int64(4));

  auto sets = db_.prepare(
      "SELECT set_index, prescription, summary FROM sets WHERE session_id = ? ORDER BY set_index");
  sets.bind(1, id);
  while (sets.step()) {
    auto* set = report.add_sets();
    set->set_set_index(static_cast<std::uint32_t>(sets.int64(0)));
    set->mutable_prescription()->ParseFromString(sets.blob(1));
    if (!sets.is_null(2)) set->mutable_summary()->ParseFromString(sets.blob(2));
    auto reps = db_.prepare(
        "SELECT result FROM reps WHERE session_id = ? AND set_index = ? ORDER BY rep_index");
    reps.bind(1, id).bind(2, sets.int64(0));
    while (reps.step()) set->add_reps()->ParseFromString(reps.blob(0));
  }
  return report;
}

std::optional<OutboxEntry> SessionStore::next_due(std::int64_t now_unix_ms) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(
      "SELECT id, idempotency_key, kind, body, attempts FROM outbox WHERE state = 'pending' AND "
      "next_attempt_unix_ms <= ? ORDER BY next_attempt_unix_ms, id LIMIT 1");
  s.bind(1, now_unix_ms);
  if (!s.step()) return std::nullopt;
  return OutboxEntry{s.int64(0), s.text(1), s.text(2), s.text(3), static_cast<int>(s.int64(4))};
}

void SessionStore::mark_delivered(std::int64_t id, std::int64_t at_unix_ms) {
  std::lock_guard lock(mutex_);
  db_.prepare(
         "UPDATE outbox SET state = 'delivered', delivered_at_unix_ms = ?, attempts = attempts + "
         "1, last_error = NULL WHERE id = ?")
      .bind(1, at_unix_ms)
      .bind(2, id)
      .run();
}

void SessionStore::mark_retry(std::int64_t id, std::int64_t next_attempt_unix_ms,
                              const std::string& error) {
  std::lock_guard lock(mutex_);
  db_.prepare(
         "UPDATE outbox SET attempts = attempts + 1, next_attempt_unix_ms = ?, last_error = ? "
         "WHERE id = ?")
      .bind(1, next_attempt_unix_ms)
      .bind(2, error)
      .bind(3, id)
      .run();
}

void SessionStore::mark_rejected(std::int64_t id, const std::string& error) {
  std::lock_guard lock(mutex_);
  db_.prepare(
         "UPDATE outbox SET state = 'rejected', attempts = attempts + 1, last_error = ? WHERE id "
         "= ?")
      .bind(1, error)
      .bind(2, id)
      .run();
}

OutboxStatus SessionStore::outbox_status() {
  std::lock_guard lock(mutex_);
  OutboxStatus st;
  auto s = db_.prepare("SELECT state, COUNT(*) FROM outbox GROUP BY state");
  while (s.step()) {
    const std::string state = s.text(0);
    if (state == "pending") st.pending = s.int64(1);
    if (state == "delivered") st.delivered = s.int64(1);
    if (state == "rejected") st.rejected = s.int64(1);
  }
  return st;
}

std::optional<std::int64_t> SessionStore::next_attempt_time() {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT MIN(next_attempt_unix_ms) FROM outbox WHERE state = 'pending'");
  if (!s.step() || s.is_null(0)) return std::nullopt;
  return s.int64(0);
}

}  // namespace tempoload::plugin
