// The plugin's SQLite store on real files: durability of reps, the finished report and its
// outbox row, outbox state changes, and refusal of a newer schema.
#include "plugin/storage/session_store.hpp"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <filesystem>

namespace tempoload::plugin {
namespace {

namespace v1 = tempoload::v1;
namespace fs = std::filesystem;

class SessionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tempoload-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static SessionStart start(const std::string& id) {
    SessionStart s{id, "athlete-1", "calf-1", "tempoload-calf-raise", 1000, {}, {}};
    s.prescription.set_reps(6);
    s.prescription.set_load_n(1700);
    return s;
  }
  static v1::RepResult rep(std::uint32_t index, bool counted) {
    v1::RepResult r;
    r.set_index(index);
    r.set_counted(counted);
    r.set_verdict(counted ? v1::REP_VERDICT_COUNTED : v1::REP_VERDICT_TOO_FAST);
    r.set_eccentric_s(counted ? 3.5 : 1.6);
    r.set_symmetry_index_pct(16);
    return r;
  }
  fs::path db() const { return dir_ / "plugin.db"; }
  fs::path dir_;
};

TEST_F(SessionStoreTest, RepsSurviveReopeningAndTheReportCarriesThem) {
  {
    SessionStore store(db());
    store.begin_session(start("s1"));
    store.add_rep("s1", rep(1, true));
    store.add_rep("s1", rep(2, false));
  }  // closed without finishing, as after a crash
  SessionStore store(db());
  auto report = store.load_report("s1");
  ASSERT_TRUE(report);
  ASSERT_EQ(report->sets_size(), 1);
  ASSERT_EQ(report->sets(0).reps_size(), 2);
  EXPECT_EQ(report->sets(0).reps(1).verdict(), v1::REP_VERDICT_TOO_FAST);
  EXPECT_EQ(report->sets(0).prescription().load_n(), 1700);
  EXPECT_EQ(report->ended_at_unix_ms(), 0) << "not finished";
}

TEST_F(SessionStoreTest, FinishingQueuesTheReportAsJsonWithTheSessionAsKey) {
  SessionStore store(db());
  store.begin_session(start("s1"));
  store.add_rep("s1", rep(1, true));
  v1::SetSummary summary;
  summary.set_reps_counted(1);
  summary.set_end_reason("target reached");
  const auto report = store.finish_session("s1", summary, 5000);
  EXPECT_EQ(report.ended_at_unix_ms(), 5000);
  EXPECT_EQ(report.sets(0).summary().reps_counted(), 1u);

  auto entry = store.next_due(5000);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->idempotency_key, "s1");
  v1::SessionReport parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(entry->body, &parsed).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(parsed, report));
  EXPECT_EQ(store.outbox_status().pending, 1);
}

TEST_F(SessionStoreTest, OutboxRetryDelaysAndDeliveryRemovesFromDue) {
  SessionStore store(db());
  for (const char* id : {"a", "b"}) {
    store.begin_session(start(id));
    store.finish_session(id, {}, 100);
  }
  auto first = store.next_due(100);
  ASSERT_TRUE(first);
  store.mark_retry(first->id, 10'000, "connect refused");
  auto second = store.next_due(100);
  ASSERT_TRUE(second);
  EXPECT_NE(second->id, first->id) << "a retried entry waits; the next one goes";
  store.mark_delivered(second->id, 200);
  EXPECT_FALSE(store.next_due(9'999));
  auto again = store.next_due(10'000);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(again->attempts, 1);
  store.mark_rejected(again->id, "HTTP 400");
  const auto st = store.outbox_status();
  EXPECT_EQ(st.pending, 0);
  EXPECT_EQ(st.delivered, 1);
  EXPECT_EQ(st.rejected, 1);
}

TEST_F(SessionStoreTest, DuplicateRepIsRefusedAndKeepsTheFirst) {
  SessionStore store(db());
  store.begin_session(start("s1"));
  store.add_rep("s1", rep(1, true));
  EXPECT_THROW(store.add_rep("s1", rep(1, false)), StoreError);
  EXPECT_TRUE(store.load_report("s1")->sets(0).reps(0).counted());
}

TEST_F(SessionStoreTest, NewerSchemaIsRefusedUntouched) {
  { SessionStore store(db()); }
  {
    Database raw(db());
    raw.set_user_version(SessionStore::kSchemaVersion + 1);
  }
  try {
    SessionStore store(db());
    FAIL() << "expected refusal";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("newer than this plugin understands"), std::string::npos)
        << e.what();
  }
  Database raw(db());
  EXPECT_EQ(raw.user_version(), SessionStore::kSchemaVersion + 1);
}

TEST_F(SessionStoreTest, UnopenableFileNamesThePath) {
  try {
    SessionStore store(dir_ / "missing-dir" / "x.db");
    FAIL() << "expected an error";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("missing-dir/x.db"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tempoload::plugin
