#include "sim/gym/report_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "sim/gym/tests/test_support.hpp"

namespace tempoload::gym {
namespace {

using testing::TempDir;

StoredReport row(const std::string& key, const std::string& session, std::int64_t at,
                 const std::string& body = "{}") {
  StoredReport r;
  r.idempotency_key = key;
  r.session_id = session;
  r.athlete_id = "athlete-" + session;
  r.machine_id = "calf-01";
  r.reps_counted = 12;
  r.received_at_unix_ms = at;
  r.body = body;
  return r;
}

std::string pragma(const std::string& path, const std::string& name) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, ("PRAGMA " + name).c_str(), -1, &stmt, nullptr), SQLITE_OK);
  std::string value;
  if (sqlite3_step(stmt) == SQLITE_ROW)
    value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

TEST(ReportStore, StoresAndDeduplicatesByKey) {
  TempDir dir;
  ReportStore store(dir.file("gym.db"));
  EXPECT_EQ(store.put(row("k1", "s1", 100, "{\"a\":1}")), PutOutcome::kStored);
  StoredReport existing;
  EXPECT_EQ(store.put(row("k1", "s1", 200, "{\"a\":1}"), &existing), PutOutcome::kDuplicate);
  EXPECT_EQ(existing.received_at_unix_ms, 100);  // the first one stays
  EXPECT_EQ(store.put(row("k1", "s1", 300, "{\"a\":2}"), &existing), PutOutcome::kKeyConflict);
  EXPECT_EQ(existing.body, "{\"a\":1}");
  EXPECT_EQ(store.put(row("k2", "s1", 400, "{\"a\":1}")), PutOutcome::kSessionConflict);
  ASSERT_EQ(store.list().size(), 1u);
  auto found = store.find_by_session("s1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->idempotency_key, "k1");
  EXPECT_EQ(found->athlete_id, "athlete-s1");
  EXPECT_EQ(found->reps_counted, 12);
  EXPECT_EQ(found->body, "{\"a\":1}");
  EXPECT_FALSE(store.find_by_session("nope"));
  EXPECT_TRUE(store.find_by_key("k1"));
}

TEST(ReportStore, ListsByReceiveTimeThenInsertionOrder) {
  TempDir dir;
  ReportStore store(dir.file("gym.db"));
  store.put(row("k-c", "c", 300));
  store.put(row("k-a", "a", 100));
  store.put(row("k-b2", "b2", 200));
  store.put(row("k-b1", "b1", 200));
  std::vector<std::string> order;
  for (const auto& r : store.list()) {
    order.push_back(r.session_id);
    EXPECT_TRUE(r.body.empty());
  }
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b2", "b1", "c"}));
}

TEST(ReportStore, PersistsAcrossReopenWithWalAndSchemaVersion) {
  TempDir dir;
  const std::string path = dir.file("gym.db");
  {
    ReportStore store(path);
    store.put(row("k1", "s1", 100, "{\"x\":true}"));
  }
  ReportStore reopened(path);
  auto found = reopened.find_by_session("s1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->body, "{\"x\":true}");
  EXPECT_EQ(pragma(path, "journal_mode"), "wal");
  EXPECT_EQ(pragma(path, "user_version"), std::to_string(ReportStore::kSchemaVersion));
}

TEST(ReportStore, RefusesNewerSchema) {
  TempDir dir;
  const std::string path = dir.file("gym.db");
  { ReportStore store(path); }
  pragma(path, "user_version=99");
  try {
    ReportStore store(path);
    FAIL() << "opened a newer schema";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 99"), std::string::npos) << e.what();
  }
}

TEST(ReportStore, UnopenableFileNamesThePath) {
  TempDir dir;
  const std::string path = dir.file("missing-dir/gym.db");
  try {
    ReportStore store(path);
    FAIL() << "opened " << path;
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tempoload::gym
