#include "sim/gym/report_store.hpp"

#include <sqlite3.h>

#include <string>

#include "sim/gym/sqlite_statement.hpp"

namespace tempoload::gym {
namespace {

constexpr const char* kColumns =
    "idempotency_key, session_id, athlete_id, machine_id, reps_counted, received_at_unix_ms, body";

StoredReport read_row(const Statement& s, bool with_body) {
  StoredReport r;
  r.idempotency_key = s.text(0);
  r.session_id = s.text(1);
  r.athlete_id = s.text(2);
  r.machine_id = s.text(3);
  r.reps_counted = s.int64(4);
  r.received_at_unix_ms = s.int64(5);
  if (with_body) r.body = s.text(6);
  return r;
}

}  // namespace

ReportStore::ReportStore(const std::string& path) : path_(path) {
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open database " + path + ": " + msg);
  }
  try {
    sqlite3_busy_timeout(db_, 5000);
    {
      Statement wal(db_, "PRAGMA journal_mode=WAL", path_);
      if (!wal.step() || wal.text(0) != "wal") {
        throw StoreError("cannot enable WAL on " + path_);
      }
    }
    exec("PRAGMA synchronous=FULL");
    Statement version_stmt(db_, "PRAGMA user_version", path_);
    version_stmt.step();
    const std::int64_t version = version_stmt.int64(0);
    if (version > kSchemaVersion) {
      throw StoreError("database " + path_ + " has schema version " + std::to_string(version) +
                       ", newer than this gym server's " + std::to_string(kSchemaVersion));
    }
    if (version < 1) {
      exec("BEGIN IMMEDIATE");
      exec(
          "CREATE TABLE session_reports ("
          " idempotency_key TEXT PRIMARY KEY NOT NULL,"
          " session_id TEXT NOT NULL UNIQUE,"
          " athlete_id TEXT NOT NULL,"
          " machine_id TEXT NOT NULL,"
          " reps_counted INTEGER NOT NULL,"
          " received_at_unix_ms INTEGER NOT NULL,"
          " body TEXT NOT NULL);"
          "CREATE INDEX session_reports_received ON session_reports(received_at_unix_ms);"
          "PRAGMA user_version=1;");
      exec("COMMIT");
    }
    if (version < 2) {
      // Version 2 (issue 6): versioned prescriptions per athlete and usage reports.
      exec("BEGIN IMMEDIATE");
      exec(
          "CREATE TABLE prescriptions ("
          " athlete_id TEXT NOT NULL,"
          " version INTEGER NOT NULL,"
          " base_version INTEGER NOT NULL,"
          " set_json TEXT NOT NULL,"
          " updated_at_unix_ms INTEGER NOT NULL,"
          " updated_by TEXT NOT NULL,"
          " change_key TEXT NOT NULL UNIQUE,"
          " PRIMARY KEY (athlete_id, version));"
          "CREATE TABLE usage_reports ("
          " idempotency_key TEXT PRIMARY KEY NOT NULL,"
          " machine_id TEXT NOT NULL,"
          " period_start_unix_ms INTEGER NOT NULL,"
          " received_at_unix_ms INTEGER NOT NULL,"
          " body TEXT NOT NULL);"
          "PRAGMA user_version=2;");
      exec("COMMIT");
    }
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

ReportStore::~ReportStore() { sqlite3_close(db_); }

void ReportStore::exec(const char* sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw StoreError(std::string("sqlite '") + sql + "' on " + path_ + ": " + msg);
  }
}

std::optional<StoredReport> ReportStore::find_one(const char* where, std::string_view value) const {
  Statement s(db_, std::string("SELECT ") + kColumns + " FROM session_reports WHERE " + where,
              path_);
  s.bind(1, value);
  if (!s.step()) return std::nullopt;
  return read_row(s, true);
}

std::optional<StoredReport> ReportStore::find_by_session(std::string_view session_id) const {
  return find_one("session_id = ?1", session_id);
}

std::optional<StoredReport> ReportStore::find_by_key(std::string_view idempotency_key) const {
  return find_one("idempotency_key = ?1", idempotency_key);
}

PutOutcome ReportStore::put(const StoredReport& report, StoredReport* existing) {
  exec("BEGIN IMMEDIATE");
  try {
    PutOutcome outcome = PutOutcome::kStored;
    std::optional<StoredReport> found = find_by_key(report.idempotency_key);
    if (found) {
      outcome = found->body == report.body ? PutOutcome::kDuplicate : PutOutcome::kKeyConflict;
    } else if ((found = find_by_session(report.session_id))) {
      outcome = PutOutcome::kSessionConflict;
    } else {
      Statement s(db_,
                  std::string("INSERT INTO session_reports (") + kColumns +
                      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                  path_);
      s.bind(1, report.idempotency_key);
      s.bind(2, report.session_id);
      s.bind(3, report.athlete_id);
      s.bind(4, report.machine_id);
      s.bind(5, report.reps_counted);
      s.bind(6, report.received_at_unix_ms);
      s.bind(7, report.body);
      s.step();
    }
    exec("COMMIT");  // durable (synchronous=FULL) before the caller answers 201
    if (found && existing) *existing = std::move(*found);
    return outcome;
  } catch (...) {
    if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<StoredReport> ReportStore::list() const {
  Statement s(db_,
              std::string("SELECT ") + kColumns +
                  " FROM session_reports ORDER BY received_at_unix_ms, rowid",
              path_);
  std::vector<StoredReport> out;
  while (s.step()) out.push_back(read_row(s, false));
  return out;
}

}  // namespace tempoload::gym
