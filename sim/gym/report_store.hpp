// The gym server's durable store (SQLite, WAL, synchronous=FULL): received session reports and
// usage reports, each deduplicated by idempotency key, and athletes' versioned prescriptions.
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

// One version of an athlete's prescription.
struct StoredPrescription {
  std::string athlete_id;
  std::int64_t version = 0;       // 1, 2, ... per athlete
  std::int64_t base_version = 0;  // the version this change was made from
  std::string set_json;           // canonical protobuf JSON of the SetPrescription
  std::int64_t updated_at_unix_ms = 0;
  std::string updated_by;
  std::string change_key;  // the PUT's Idempotency-Key, UNIQUE
};

enum class PrescriptionPutOutcome {
  kStored,     // base_version was current: stored as version current + 1
  kDuplicate,  // this key already made a version with the same content: nothing changed
  kStale,      // base_version is not the current version: nothing changed (HTTP 409)
  kKeyReused,  // this key already made a different change: nothing changed (HTTP 409)
};

struct StoredUsage {
  std::string idempotency_key;  // PRIMARY KEY: the UsageReport's report_id
  std::string machine_id;
  std::int64_t period_start_unix_ms = 0;
  std::int64_t received_at_unix_ms = 0;
  std::string body;  // canonical protobuf JSON of the UsageReport
};

enum class PutOutcome {
  kStored,           // new key: a row was added
  kDuplicate,        // key already stored with the same body: nothing changed
  kKeyConflict,      // key already stored with a different body: nothing changed
  kSessionConflict,  // session_id already stored under another key: nothing changed
};

class ReportStore {
 public:
  static constexpr int kSchemaVersion = 2;  // PRAGMA user_version

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

  // Atomic version check and insert; `change.version` is ignored. *result receives the stored
  // version (kStored, kDuplicate), the current one (kStale) or the key's earlier change.
  PrescriptionPutOutcome put_prescription(const StoredPrescription& change,
                                          StoredPrescription* result);
  std::optional<StoredPrescription> current_prescription(std::string_view athlete_id) const;
  std::vector<StoredPrescription> prescription_history(std::string_view athlete_id) const;

  // Same deduplication as put(): by key, kDuplicate for the same body, kKeyConflict otherwise.
  PutOutcome put_usage(const StoredUsage& usage);
  std::vector<StoredUsage> list_usage() const;  // oldest period first, with bodies

  const std::string& path() const { return path_; }

 private:
  void exec(const char* sql) const;
  std::optional<StoredReport> find_one(const char* where, std::string_view value) const;

  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace tempoload::gym
