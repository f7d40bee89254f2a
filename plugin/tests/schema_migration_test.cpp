// Migration of a real version-1 database (created with the v1 DDL, frozen here as a v1 plugin
// wrote it) to the current schema: every v1 row survives with its meaning, the v2 tables and
// columns exist, and the outbox keeps delivering what v1 queued.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "plugin/storage/prescription_store.hpp"
#include "plugin/storage/session_store.hpp"

namespace tempoload::plugin {
namespace {

namespace v1 = tempoload::v1;
namespace fs = std::filesystem;

// The schema of plugin version 1 exactly as it shipped (do not edit: it is the fixture).
constexpr const char* kFrozenV1Ddl = R"sql(
CREATE TABLE sessions (
  session_id TEXT PRIMARY KEY, athlete_id TEXT NOT NULL, machine_id TEXT NOT NULL,
  machine_model TEXT NOT NULL, started_at_unix_ms INTEGER NOT NULL, ended_at_unix_ms INTEGER,
  status TEXT NOT NULL);
CREATE TABLE sets (
  session_id TEXT NOT NULL REFERENCES sessions(session_id), set_index INTEGER NOT NULL,
  prescription BLOB NOT NULL, summary BLOB, PRIMARY KEY (session_id, set_index));
CREATE TABLE reps (
  session_id TEXT NOT NULL REFERENCES sessions(session_id), set_index INTEGER NOT NULL,
  rep_index INTEGER NOT NULL, counted INTEGER NOT NULL, verdict TEXT NOT NULL,
  eccentric_s REAL NOT NULL, result BLOB NOT NULL, PRIMARY KEY (session_id, set_index, rep_index));
CREATE TABLE faults (
  id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT, code TEXT NOT NULL,
  message TEXT NOT NULL, at_unix_ms INTEGER NOT NULL);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, idempotency_key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
  body TEXT NOT NULL, created_at_unix_ms INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_unix_ms INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'pending',
  last_error TEXT, delivered_at_unix_ms INTEGER);
CREATE INDEX outbox_due ON outbox(state, next_attempt_unix_ms);
PRAGMA user_version=1;
)sql";

class SchemaMigration : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tempoload-migrate-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path db() const { return dir_ / "plugin.db"; }

  // A v1 database with one finished, delivered session (2 reps, one fault), one finished
  // session whose report is still pending, and one left running by a crash.
  void write_v1_database() {
    Database raw(db());
    raw.exec(kFrozenV1Ddl);
    v1::SetPrescription p;
    p.set_reps(6);
    p.set_load_n(1700);
    v1::SetSummary summary;
    summary.set_reps_counted(1);
    summary.set_reps_attempted(2);
    summary.set_end_reason("target reached");
    for (const char* id : {"old-1", "old-2", "old-3"}) {
      const bool running = std::string(id) == "old-3";
      auto s =
          raw.prepare("INSERT INTO sessions VALUES (?, 'athlete-a', 'calf-1', 'calf', 1000, ?, ?)");
      s.bind(1, std::string_view(id));
      if (running)
        s.bind_null(2);
      else
        s.bind(2, std::int64_t{9000});
      s.bind(3, std::string_view(running ? "running" : "finished")).run();
      auto set = raw.prepare("INSERT INTO sets VALUES (?, 1, ?, ?)");
      set.bind(1, std::string_view(id)).bind_blob(2, p.SerializeAsString());
      if (running)
        set.bind_null(3);
      else
        set.bind_blob(3, summary.SerializeAsString());
      set.run();
      for (int i = 1; i <= 2; ++i) {
        v1::RepResult r;
        r.set_index(i);
        r.set_counted(i == 1);
        r.set_verdict(i == 1 ? v1::REP_VERDICT_COUNTED : v1::REP_VERDICT_TOO_FAST);
        r.set_eccentric_s(i == 1 ? 3.5 : 1.6);
        r.set_completed_at_unix_ms(1000 + 4000 * i);
        raw.prepare("INSERT INTO reps VALUES (?, 1, ?, ?, ?, ?, ?)")
            .bind(1, std::string_view(id))
            .bind(2, std::int64_t{i})
            .bind(3, std::int64_t{i == 1})
            .bind(4, v1::RepVerdict_Name(r.verdict()))
            .bind(5, r.eccentric_s())
            .bind_blob(6, r.SerializeAsString())
            .run();
      }
    }
    raw.exec(
        "INSERT INTO faults(session_id, code, message, at_unix_ms) VALUES ('old-1', 'estop', "
        "'e-stop pressed', 7000);"
        "INSERT INTO outbox(idempotency_key, kind, body, created_at_unix_ms, attempts, "
        "next_attempt_unix_ms, state, delivered_at_unix_ms) VALUES ('old-1', 'session_report', "
        "'{\"sessionId\":\"old-1\"}', 9000, 1, 9000, 'delivered', 9100);"
        "INSERT INTO outbox(idempotency_key, kind, body, created_at_unix_ms, attempts, "
        "next_attempt_unix_ms, last_error) VALUES ('old-2', 'session_report', "
        "'{\"sessionId\":\"old-2\"}', 9000, 3, 20000, 'connect: refused');");
  }

  static std::int64_t scalar(Database& d, const std::string& sql) {
    auto s = d.prepare(sql);
    EXPECT_TRUE(s.step()) << sql;
    return s.int64(0);
  }

  fs::path dir_;
};

TEST_F(SchemaMigration, VersionOneDatabaseKeepsItsDataAndGainsTheNewTables) {
  write_v1_database();
  {
    SessionStore store(db());
    // v1 data, read through the new code.
    auto report = store.load_report("old-1");
    ASSERT_TRUE(report);
    ASSERT_EQ(report->sets_size(), 1);
    ASSERT_EQ(report->sets(0).reps_size(), 2);
    EXPECT_EQ(report->sets(0).reps(1).verdict(), v1::REP_VERDICT_TOO_FAST);
    EXPECT_EQ(report->sets(0).summary().reps_counted(), 1u);
    EXPECT_EQ(report->sets(0).prescription().load_n(), 1700);
    EXPECT_EQ(report->prescription_origin().source(), v1::PRESCRIPTION_SOURCE_REQUEST)
        << "v1 sessions all carried their set in the request";
    ASSERT_EQ(report->usage().faults_size(), 1);
    EXPECT_EQ(report->usage().faults(0).code(), "estop");
    EXPECT_EQ(report->usage().machine_cycles(), 2u);

    // The v1 outbox: the delivered entry stays delivered, the pending one is still due.
    const auto status = store.outbox_status();
    EXPECT_EQ(status.delivered, 1);
    EXPECT_EQ(status.pending, 1);
    auto due = store.next_due(20'000);
    ASSERT_TRUE(due);
    EXPECT_EQ(due->idempotency_key, "old-2");
    EXPECT_EQ(due->attempts, 3);
    EXPECT_EQ(store.running_sessions(), std::vector<std::string>{"old-3"});

    // New tables and columns are there and usable.
    PrescriptionStore prescriptions(store);
    v1::SetPrescription set;
    set.set_reps(3);
    prescriptions.record_edit("athlete-a", 0, set, "coach-1", "calf-1", 10'000);
    EXPECT_EQ(prescriptions.history("athlete-a").size(), 1u);
    store.store_samples("old-1", 1, "TLS1\0", 0, 0, 10'000);
    store.with_db([&](Database& d) {
      EXPECT_EQ(d.user_version(), kSchemaVersion);
      EXPECT_EQ(scalar(d,
                       "SELECT COUNT(*) FROM athletes WHERE athlete_id = 'athlete-a' AND "
                       "first_seen_unix_ms = 1000"),
                1)
          << "athletes are filled from the v1 sessions";
      EXPECT_EQ(scalar(d, "SELECT COUNT(*) FROM audit_log"), 1);
      EXPECT_EQ(scalar(d, "SELECT cleared_at_unix_ms FROM faults WHERE code = 'estop'"), 7000)
          << "v1 faults have no recorded duration: cleared when raised";
      EXPECT_EQ(scalar(d,
                       "SELECT loaded_ms + prescription_version FROM sessions WHERE "
                       "session_id = 'old-1'"),
                0);
      EXPECT_EQ(scalar(d,
                       "SELECT COUNT(*) FROM outbox WHERE kind = 'session_report' AND "
                       "last_http_status IS NULL AND last_attempt_unix_ms IS NULL"),
                2);
      EXPECT_EQ(scalar(d, "SELECT COUNT(*) FROM set_samples"), 1);
    });
  }
  // Opening again is a no-op: nothing is migrated twice, nothing duplicated.
  SessionStore again(db());
  again.with_db([&](Database& d) {
    EXPECT_EQ(d.user_version(), kSchemaVersion);
    EXPECT_EQ(scalar(d, "SELECT COUNT(*) FROM athletes"), 1);
    EXPECT_EQ(scalar(d, "SELECT COUNT(*) FROM reps"), 6);
  });
}

TEST_F(SchemaMigration, FreshDatabaseGetsEveryStepAndTheSameShapeAsAMigratedOne) {
  write_v1_database();
  { SessionStore migrated(db()); }
  { SessionStore fresh(dir_ / "fresh.db"); }
  auto columns = [](const fs::path& path) {
    Database d(path);
    auto s = d.prepare(
        "SELECT m.name || '.' || p.name || ':' || p.type || ':' || p.\"notnull\" FROM "
        "sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY 1");
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
  };
  EXPECT_EQ(columns(db()), columns(dir_ / "fresh.db"));
}

}  // namespace
}  // namespace tempoload::plugin
