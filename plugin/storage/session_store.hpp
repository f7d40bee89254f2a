// The plugin's embedded store (SQLite, WAL): sessions, sets, reps, faults and the report
// outbox. Thread-safe (one connection behind a mutex); never used from the control loop.
// Schema: docs/storage.md. Versioned with PRAGMA user_version and migrated on open.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "plugin/storage/sqlite_db.hpp"
#include "tempoload/v1/training.pb.h"

namespace tempoload::plugin {

struct SessionStart {
  std::string session_id;
  std::string athlete_id;
  std::string machine_id;
  std::string machine_model;
  std::int64_t started_at_unix_ms = 0;
  tempoload::v1::SetPrescription prescription;
};

struct OutboxEntry {
  std::int64_t id = 0;
  std::string idempotency_key;
  std::string kind;  // "session_report"
  std::string body;  // JSON
  int attempts = 0;
};

struct OutboxStatus {
  std::int64_t pending = 0;
  std::int64_t delivered = 0;
  std::int64_t rejected = 0;  // refused by the server as invalid; kept for an operator
};

class SessionStore {
 public:
  static constexpr int kSchemaVersion = 1;

  explicit SessionStore(const std::filesystem::path& path);  // throws StoreError

  void begin_session(const SessionStart& start);
  // Durable when it returns (synchronous=FULL commit).
  void add_rep(const std::string& session_id, const tempoload::v1::RepResult& rep);
  void add_fault(const std::string& session_id, const std::string& code,
                 const std::string& message, std::int64_t at_unix_ms);
  // Closes the session and queues its report for the gym server, in one transaction.
  // Returns the report as stored.
  tempoload::v1::SessionReport finish_session(const std::string& session_id,
                                              const tempoload::v1::SetSummary& summary,
                                              std::int64_t ended_at_unix_ms);
  std::optional<tempoload::v1::SessionReport> load_report(const std::string& session_id);

  // Outbox, for the reporter.
  std::optional<OutboxEntry> next_due(std::int64_t now_unix_ms);
  void mark_delivered(std::int64_t id, std::int64_t at_unix_ms);
  void mark_retry(std::int64_t id, std::int64_t next_attempt_unix_ms, const std::string& error);
  void mark_rejected(std::int64_t id, const std::string& error);
  OutboxStatus outbox_status();
  std::optional<std::int64_t> next_attempt_time();  // earliest pending next attempt

 private:
  void migrate();
  std::optional<tempoload::v1::SessionReport> load_report_locked(const std::string& session_id);

  std::mutex mutex_;
  Database db_;
};

}  // namespace tempoload::plugin
