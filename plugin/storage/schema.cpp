#include "plugin/storage/schema.hpp"

#include <string>

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

// Version 1 -> 2: athletes and versioned prescriptions (cached from the gym server or edited
// here), the audit log of prescription changes, per-set raw samples, usage (loaded time) and
// fault durations, and per-entry outbox detail. Only additions: v1 rows keep their meaning.
constexpr const char* kSchemaV1ToV2 = R"sql(
CREATE TABLE athletes (
  athlete_id TEXT PRIMARY KEY,
  first_seen_unix_ms INTEGER NOT NULL,
  last_session_unix_ms INTEGER
);
INSERT INTO athletes(athlete_id, first_seen_unix_ms, last_session_unix_ms)
  SELECT athlete_id, MIN(started_at_unix_ms), MAX(started_at_unix_ms) FROM sessions
  GROUP BY athlete_id;
CREATE TABLE prescriptions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  athlete_id TEXT NOT NULL REFERENCES athletes(athlete_id),
  version INTEGER NOT NULL,           -- the gym server's version; a local edit: base_version + 1
  state TEXT NOT NULL,                -- confirmed | pending | conflict
  prescription BLOB NOT NULL,         -- tempoload.v1.SetPrescription, protobuf binary
  updated_at_unix_ms INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  change_id TEXT UNIQUE,              -- a local edit's id (the PUT's Idempotency-Key)
  base_version INTEGER,               -- a local edit: the version it was made from
  cached_at_unix_ms INTEGER NOT NULL,
  conflict TEXT                       -- state conflict: what the gym server said
);
CREATE UNIQUE INDEX prescriptions_confirmed ON prescriptions(athlete_id, version)
  WHERE state = 'confirmed';
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_unix_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,                -- a coach id, "gym-server" or "plugin"
  action TEXT NOT NULL,               -- prescription_edit | prescription_fetched |
                                      -- prescription_confirmed | prescription_conflict
  athlete_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  detail TEXT NOT NULL                -- JSON: the prescription or the server's answer
);
CREATE TABLE set_samples (
  session_id TEXT NOT NULL,
  set_index INTEGER NOT NULL,
  sample_count INTEGER NOT NULL,
  dropped INTEGER NOT NULL,           -- samples the session worker never saw (queue full)
  encoding TEXT NOT NULL,             -- 'tls1': docs/storage.md, "raw samples"
  samples BLOB,                       -- NULL once pruned
  stored_at_unix_ms INTEGER NOT NULL,
  pruned_at_unix_ms INTEGER,
  PRIMARY KEY (session_id, set_index),
  FOREIGN KEY (session_id, set_index) REFERENCES sets(session_id, set_index)
);
ALTER TABLE sessions ADD COLUMN prescription_source TEXT NOT NULL DEFAULT 'request';
ALTER TABLE sessions ADD COLUMN prescription_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN prescription_note TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN loaded_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX sessions_started ON sessions(started_at_unix_ms);
CREATE INDEX sessions_status ON sessions(status);
ALTER TABLE faults ADD COLUMN cleared_at_unix_ms INTEGER;  -- NULL while active
UPDATE faults SET cleared_at_unix_ms = at_unix_ms;          -- v1 recorded no durations
CREATE INDEX faults_at ON faults(at_unix_ms);
ALTER TABLE outbox ADD COLUMN last_attempt_unix_ms INTEGER;
ALTER TABLE outbox ADD COLUMN last_http_status INTEGER;
)sql";

// Version 2 -> 3: dynamometer sessions (issue 4). Such a session has no `sets` row; its
// prescription and its results so far (updated after every rep) live here.
constexpr const char* kSchemaV2ToV3 = R"sql(
CREATE TABLE dynamometer_tests (
  session_id TEXT PRIMARY KEY REFERENCES sessions(session_id),
  prescription BLOB NOT NULL,         -- tempoload.v1.StartDynamometerTestRequest, protobuf binary
  results BLOB                        -- tempoload.v1.DynamometerTestReport, protobuf binary
);
)sql";

// Version 3 -> 4: coach and operator services (issue 5). RM and MVIC test results recorded by
// coaches, and the machine's calibration history (the newest row is in force). Coaches'
// athletes come from their tokens, so there is no relationship table.
constexpr const char* kSchemaV3ToV4 = R"sql(
CREATE TABLE test_results (
  id TEXT PRIMARY KEY,
  athlete_id TEXT NOT NULL,
  kind TEXT NOT NULL,                 -- rm | mvic
  measured_at_unix_ms INTEGER NOT NULL,
  recorded_by TEXT NOT NULL,          -- the caller's token id, or "host"
  recorded_at_unix_ms INTEGER NOT NULL,
  result BLOB NOT NULL                -- tempoload.v1.TestResult, protobuf binary
);
CREATE INDEX test_results_athlete ON test_results(athlete_id, measured_at_unix_ms);
CREATE TABLE calibration (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_unix_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,                -- the operator's token id, or "host"
  action TEXT NOT NULL,               -- zero_load_cells | range_limits | clear_range_limits
  force_offset_left_n REAL NOT NULL,  -- the whole calibration after this change
  force_offset_right_n REAL NOT NULL,
  range_bottom_m REAL,                -- NULL: the machine's full travel
  range_top_m REAL
);
-- Pain the athlete reported during or after a session (GuidedSession.ReportPain).
CREATE TABLE pain_reports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL REFERENCES sessions(session_id),
  athlete_id TEXT NOT NULL,
  at_unix_ms INTEGER NOT NULL,
  pain_0_10 INTEGER NOT NULL,         -- numeric rating 0..10
  location TEXT NOT NULL,             -- "" when not given
  stopped_set INTEGER NOT NULL        -- 1: above the limit, the set was stopped
);
CREATE INDEX pain_reports_session ON pain_reports(session_id);
)sql";

// Version 4 -> 5: the protocols besides tempo sets (issue 3). A session that ran an isometric
// hold, MVIC, RM or heel-rise test keeps that protocol's report; multi-set sessions record the
// rest before each set; the athlete's morning pain feeds the progression model.
constexpr const char* kSchemaV4ToV5 = R"sql(
CREATE TABLE protocol_results (
  session_id TEXT PRIMARY KEY REFERENCES sessions(session_id),
  kind TEXT NOT NULL,                 -- isometric | mvic_test | rm_test | heel_rise_test
  result BLOB NOT NULL                -- tempoload.v1.SessionReport with only that field set
);
ALTER TABLE sets ADD COLUMN rest_before_s REAL NOT NULL DEFAULT 0;
CREATE TABLE morning_pain (
  athlete_id TEXT NOT NULL,
  day TEXT NOT NULL,                  -- UTC date, YYYY-MM-DD
  pain_0_10 INTEGER NOT NULL,
  at_unix_ms INTEGER NOT NULL,
  recorded_by TEXT NOT NULL,          -- the caller's token id, or "host"
  PRIMARY KEY (athlete_id, day)
);
)sql";

struct Step {
  int to_version;
  const char* sql;
};
constexpr Step kSteps[] = {
    {1, kSchemaV1}, {2, kSchemaV1ToV2}, {3, kSchemaV2ToV3}, {4, kSchemaV3ToV4}, {5, kSchemaV4ToV5}};
static_assert(sizeof(kSteps) / sizeof(kSteps[0]) == kSchemaVersion);

}  // namespace

void migrate_schema(Database& db) {
  const int version = db.user_version();
  if (version > kSchemaVersion)
    throw StoreError("database schema version " + std::to_string(version) +
                     " is newer than this plugin understands (" + std::to_string(kSchemaVersion) +
                     "); refusing to touch it");
  for (const Step& step : kSteps) {
    if (step.to_version <= version) continue;
    db.transaction([&] {
      db.exec(step.sql);
      db.set_user_version(step.to_version);
    });
  }
}

void require_current_schema(Database& db) {
  const int version = db.user_version();
  if (version == kSchemaVersion) return;
  if (version == 0) throw StoreError("not a tempoload plugin database (schema version 0)");
  if (version < kSchemaVersion)
    throw StoreError("database schema version " + std::to_string(version) +
                     " is older than this tool's " + std::to_string(kSchemaVersion) +
                     "; start tempoload-plugin once on it to migrate it");
  throw StoreError("database schema version " + std::to_string(version) +
                   " is newer than this tool understands (" + std::to_string(kSchemaVersion) + ")");
}

}  // namespace tempoload::plugin
