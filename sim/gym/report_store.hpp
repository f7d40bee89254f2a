// Durable store of received session reports (SQLite, WAL, synchronous=FULL).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace tempoload::gym {

// Any SQLite failure: the message names the operation and the database file.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StoredReport {
  std::string idempotency_key;  // PRIMARY KEY, 1..128 characters
  std::string session_id;       // UNIQUE
  std::string athlete_id;
  std::string machine_id;
  std::int64_t reps_counted = 0;  // sum over sets of summary.reps_counted
  std::int64_t received_at_unix_ms = 0;
  std::string body;  // canonical protobuf JSON of the SessionReport (empty in list())
};

enum class PutOutcome {
  kStored,           // new key: a row was added
  kDuplicate,        // key already stored with the same body: nothing changed
  kKeyConflict,      // key already stored with a different body: nothing changed
  kSessionConflict,  // session_id already stored under another key: nothing changed
};

class ReportStore {
 public:
  static constexpr int kSchemaVersion = 1;  // PRAGMA user_version

  // Opens or creates the database and migrates it to kSchemaVersion. Throws StoreError, also for
  // a database written by a newer schema.
  explicit ReportStore(const std::string& path);
  ~ReportStore();
  ReportStore(const ReportStore&) = delete;
  ReportStore& operator=(const ReportStore&) = delete;

  // Atomic check-and-insert. On anything but kStored, *existing (if given) receives the row that
  // was already there (with body).
  PutOutcome put(const StoredReport& report, StoredReport* existing = nullptr);

  // All reports without bodies, oldest receive time first (ties in insertion order).
  std::vector<StoredReport> list() const;
  std::optional<StoredReport> find_by_session(std::string_view session_id) const;
  std::optional<StoredReport> find_by_key(std::string_view idempotency_key) const;

  const std::string& path() const { return path_; }

 private:
  void exec(const char* sql) const;
  std::optional<StoredReport> find_one(const char* where, std::string_view value) const;

  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace tempoload::gym
