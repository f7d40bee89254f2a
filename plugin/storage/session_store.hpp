// The plugin's embedded store (SQLite, WAL, synchronous=FULL): sessions, sets, reps, faults
// with durations, raw samples and the report outbox. Thread-safe (one connection behind a
// mutex); never used from the control loop. Schema: docs/storage.md (schema.cpp), versioned
// with PRAGMA user_version and migrated on open. Every write throws StoreError on failure,
// with disk_full() set for SQLITE_FULL; what was stored before stays intact.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "plugin/storage/outbox.hpp"
#include "plugin/storage/schema.hpp"
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
  tempoload::v1::PrescriptionOrigin origin;  // unset source = the request carried the set
  bool tempo_sets = true;  // false: a protocol without sets (holds, MVIC, heel-rise test)
};

// How a session ended, beyond its summary.
struct SessionEnd {
  std::int64_t loaded_ms = 0;  // time the machine applied resistance [ms]
  bool interrupted = false;    // closed by recovery after a restart, not by its set ending
};

// What a finished session stores besides its reps.
struct SessionResults {
  std::vector<std::pair<int, tempoload::v1::SetSummary>> sets;  // (1-based set index, summary)
  // Set for a session that ran another protocol: a report with only that protocol's field
  // (isometric, mvic_test, rm_test or heel_rise_test) set; stored in protocol_results.
  std::optional<tempoload::v1::SessionReport> protocol;
};

// A set's raw samples as stored (blob: sample_codec.hpp).
struct StoredSamples {
  std::int64_t sample_count = 0;
  std::int64_t dropped = 0;
  std::string encoding;
  std::optional<std::string> blob;  // nullopt once pruned
  std::int64_t pruned_at_unix_ms = 0;
};

class SessionStore {
 public:
  static constexpr int kSchemaVersion = tempoload::plugin::kSchemaVersion;

  explicit SessionStore(const std::filesystem::path& path);  // throws StoreError

  // `dynamometer`: a dynamometer session, stored in dynamometer_tests instead of a set (then
  // start.prescription is unused).
  void begin_session(const SessionStart& start,
                     const tempoload::v1::StartDynamometerTestRequest* dynamometer = nullptr);
  // Durable when it returns (synchronous=FULL commit).
  void add_rep(const std::string& session_id, const tempoload::v1::RepResult& rep,
               int set_index = 1);
  // A further set of a multi-set session (set 1 is stored by begin_session). Idempotent.
  void begin_set(const std::string& session_id, int set_index,
                 const tempoload::v1::SetPrescription& prescription, double rest_before_s);
  // Records a fault from at_unix_ms, active until clear_active_faults() unless cleared_at is
  // given. session_id "" = no session.
  void add_fault(const std::string& session_id, const std::string& code, const std::string& message,
                 std::int64_t at_unix_ms,
                 std::optional<std::int64_t> cleared_at_unix_ms = std::nullopt);
  // Ends every active fault at at_unix_ms (the machine reported ready again). Returns how many.
  int clear_active_faults(std::int64_t at_unix_ms);
  bool has_active_faults();
  // Closes the session and queues its report for the gym server, in one transaction.
  // Returns the report as stored.
  tempoload::v1::SessionReport close_session(const std::string& session_id,
                                             const SessionResults& results,
                                             std::int64_t ended_at_unix_ms,
                                             const SessionEnd& end = {});
  // A one-set session: `summary` is set 1's.
  tempoload::v1::SessionReport finish_session(const std::string& session_id,
                                              const tempoload::v1::SetSummary& summary,
                                              std::int64_t ended_at_unix_ms,
                                              const SessionEnd& end = {}) {
    return close_session(session_id, SessionResults{{{1, summary}}, std::nullopt}, ended_at_unix_ms,
                         end);
  }
  std::optional<tempoload::v1::SessionReport> load_report(const std::string& session_id);
  // Sessions still marked running (after a crash: interrupted mid-set).
  std::vector<std::string> running_sessions();

  // Raw samples of one set; replaces an earlier copy.
  void store_samples(const std::string& session_id, int set_index, const std::string& blob,
                     std::int64_t sample_count, std::int64_t dropped, std::int64_t at_unix_ms);
  std::optional<StoredSamples> load_samples(const std::string& session_id, int set_index);
  // Drops the session's sample blobs (keeps the row, marked pruned). Returns sets pruned.
  int prune_samples(const std::string& session_id, std::int64_t at_unix_ms);

  // Outbox, for the reporter (outbox.hpp). http_status 0 = no HTTP answer.
  bool enqueue(const std::string& kind, const std::string& key, const std::string& body,
               std::int64_t now_unix_ms);
  std::optional<OutboxEntry> next_due(std::int64_t now_unix_ms,
                                      const std::vector<std::int64_t>& exclude = {});
  void mark_delivered(std::int64_t id, std::int64_t at_unix_ms, int http_status = 0);
  void mark_retry(std::int64_t id, std::int64_t next_attempt_unix_ms, const std::string& error,
                  int http_status = 0);
  void mark_rejected(std::int64_t id, const std::string& error, int http_status = 0);
  void mark_conflict(std::int64_t id, const std::string& error, int http_status = 409);
  OutboxStatus outbox_status();
  std::optional<std::int64_t> next_attempt_time();  // earliest pending next attempt

  // Runs fn(Database&) under the store's lock: for the other stores sharing this connection
  // (prescriptions, usage) and for tests.
  template <typename Fn>
  auto with_db(Fn&& fn) {
    std::lock_guard lock(mutex_);
    return fn(db_);
  }

 private:
  std::mutex mutex_;
  Database db_;
};

}  // namespace tempoload::plugin
