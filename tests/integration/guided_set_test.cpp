// A guided HSR set end to end: plugin + simulated calf-raise machine + gym server, real
// processes on loopback. The default scenario's athlete pushes 54% with the right leg
// (SI +16%) and drops rep 3 in 1.6 s.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "plugin/http/http_client.hpp"
#include "tests/integration/stack.hpp"

namespace tempoload::testing {
namespace {

namespace v1 = tempoload::v1;
using std::chrono::seconds;

std::int64_t count_rows(const std::filesystem::path& db, const std::string& sql,
                        const std::string& arg) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr);
  sqlite3_bind_text(st, 1, arg.c_str(), -1, SQLITE_TRANSIENT);
  std::int64_t n = -1;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

class GuidedSetEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stack_.start_sim()) << stack_.logs();
    ASSERT_TRUE(stack_.start_gym()) << stack_.logs();
    ASSERT_TRUE(stack_.start_plugin()) << stack_.logs();
    stub_ = stack_.session_stub();
  }
  Stack stack_;
  std::unique_ptr<v1::GuidedSession::Stub> stub_;
};

TEST_F(GuidedSetEndToEnd, RepsAreJudgedStoredAndTheGymReceivesTheSameSessionOnce) {
  grpc::ClientContext start_ctx;
  v1::StartSetResponse started;
  auto status = stub_->StartSet(&start_ctx, demo_request("athlete-it"), &started);
  ASSERT_TRUE(status.ok()) << status.error_message() << stack_.logs();

  grpc::ClientContext watch_ctx;
  watch_ctx.set_deadline(std::chrono::system_clock::now() + seconds(150));
  v1::WatchSessionRequest wreq;
  wreq.set_session_id(started.session_id());
  wreq.set_tick_rate_hz(5);
  auto reader = stub_->WatchSession(&watch_ctx, wreq);
  std::vector<v1::RepResult> streamed;
  v1::SetReport finished;
  int ticks = 0;
  v1::GuidanceEvent ev;
  while (reader->Read(&ev)) {
    if (ev.has_tick()) ++ticks;
    if (ev.has_rep()) streamed.push_back(ev.rep());
    if (ev.has_fault()) ADD_FAILURE() << "fault: " << ev.fault().message();
    if (ev.has_set_finished()) finished = ev.set_finished();
  }
  ASSERT_TRUE(reader->Finish().ok()) << stack_.logs();
  EXPECT_GT(ticks, 10) << "guidance ticks should stream during the set";

  // Judgement: 6 counted, the dropped rep 3 flagged too fast and not counted.
  ASSERT_EQ(finished.summary().reps_counted(), 6u) << stack_.logs();
  ASSERT_EQ(finished.summary().reps_attempted(), 7u);
  EXPECT_EQ(finished.summary().end_reason(), "target reached");
  ASSERT_EQ(streamed.size(), 7u);
  for (const auto& rep : streamed) {
    if (rep.index() == 3) {
      EXPECT_EQ(rep.verdict(), v1::REP_VERDICT_TOO_FAST);
      EXPECT_FALSE(rep.counted());
      EXPECT_NEAR(rep.eccentric_s(), 1.6, 0.3);
      EXPECT_NE(rep.cue().find("lower slower"), std::string::npos) << rep.cue();
    } else {
      EXPECT_EQ(rep.verdict(), v1::REP_VERDICT_COUNTED) << "rep " << rep.index();
      EXPECT_NEAR(rep.eccentric_s(), 3.5, 0.3) << "rep " << rep.index();
      EXPECT_NEAR(rep.concentric_s(), 3.0, 0.3) << "rep " << rep.index();
      EXPECT_NEAR(rep.range_m(), 0.09, 0.01) << "rep " << rep.index();
    }
    // The scripted asymmetry: right leg 54%, left 46% -> SI = +16%.
    EXPECT_NEAR(rep.symmetry_index_pct(), 16.0, 3.0) << "rep " << rep.index();
    EXPECT_GT(rep.peak_force_right_n(), rep.peak_force_left_n());
  }
  EXPECT_NEAR(finished.summary().symmetry_index_pct(), 16.0, 3.0);

  // Stored: every rep announced is in the plugin's database, and the report matches.
  EXPECT_EQ(count_rows(stack_.plugin_db(), "SELECT COUNT(*) FROM reps WHERE session_id = ?",
                       started.session_id()),
            7);
  grpc::ClientContext report_ctx;
  v1::GetSessionReportRequest rreq;
  rreq.set_session_id(started.session_id());
  v1::SessionReport stored;
  ASSERT_TRUE(stub_->GetSessionReport(&report_ctx, rreq, &stored).ok());
  ASSERT_EQ(stored.sets_size(), 1);
  EXPECT_EQ(stored.athlete_id(), "athlete-it");
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(stored.sets(0), finished));

  // Received: the gym server holds the same report, once.
  http::HttpClient gym(stack_.gym_url());
  http::HttpResult got;
  for (int i = 0; i < 200; ++i) {  // at most 20 s
    got = gym.get("/api/v1/sessions/" + started.session_id());
    if (got.ok && got.response.status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(got.ok && got.response.status == 200) << got.error << stack_.logs();
  v1::SessionReport received;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(got.response.body, &received).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(stored, received))
      << "stored:\n"
      << stored.DebugString() << "\nreceived:\n"
      << received.DebugString();
  auto list = gym.get("/api/v1/sessions");
  ASSERT_TRUE(list.ok);
  std::size_t occurrences = 0;
  for (std::size_t p = list.response.body.find(started.session_id()); p != std::string::npos;
       p = list.response.body.find(started.session_id(), p + 1))
    ++occurrences;
  EXPECT_EQ(occurrences, 1u) << list.response.body;
}

TEST_F(GuidedSetEndToEnd, UnsafePrescriptionIsRefusedNamingTheFieldAndNothingIsStored) {
  struct Case {
    std::function<void(v1::StartSetRequest&)> change;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](auto& r) { r.mutable_set()->mutable_tempo()->set_eccentric_s(0.5); },
       "set.tempo.eccentric_s"},
      {[](auto& r) { r.mutable_set()->set_load_n(5000); }, "set.load_n"},
      {[](auto& r) { r.mutable_set()->set_reps(0); }, "set.reps"},
      {[](auto& r) { r.set_athlete_id("bad id!"); }, "athlete_id"},
      {[](auto& r) { r.mutable_range()->set_top_m(0.5); }, "range.top_m"},
  };
  for (const auto& c : cases) {
    auto req = demo_request("athlete-it");
    c.change(req);
    grpc::ClientContext ctx;
    v1::StartSetResponse resp;
    auto status = stub_->StartSet(&ctx, req, &resp);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(status.error_message().rfind(c.field + ":", 0), 0u)
        << "message should start with the field: " << status.error_message();
  }
  // No session row was written for any refused request.
  EXPECT_EQ(count_rows(stack_.plugin_db(), "SELECT COUNT(*) FROM sessions WHERE session_id != ?",
                       ""),
            0);
}

}  // namespace
}  // namespace tempoload::testing
