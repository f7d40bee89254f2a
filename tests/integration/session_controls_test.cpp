// GuidedSession's controls on a running set, end to end against the simulated machine: the
// athlete identifies, pauses and resumes, reports pain (above the limit: the machine unloads at
// once), and reads the session summary; watch streams are bounded.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "tempoload/v1/coach.grpc.pb.h"
#include "tests/integration/stack.hpp"

namespace tempoload::testing {
namespace {

namespace v1 = tempoload::v1;
using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

template <typename Req, typename Resp, typename Fn>
grpc::Status call(Fn fn, const Req& req, Resp& resp) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(10));
  return fn(&ctx, req, &resp);
}

std::int64_t query_int(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr);
  std::int64_t n = -1;
  if (st && sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

class SessionControls : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stack_.start_sim()) << stack_.logs();
    ASSERT_TRUE(stack_.start_plugin()) << stack_.logs();
    stub_ = stack_.session_stub();
  }

  std::string start(unsigned reps) {
    auto req = demo_request("athlete-ctl");
    req.mutable_set()->set_reps(reps);
    v1::StartSetResponse started;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + seconds(5));
    const auto s = stub_->StartSet(&ctx, req, &started);
    EXPECT_TRUE(s.ok()) << s.error_message() << stack_.logs();
    return started.session_id();
  }

  std::unique_ptr<grpc::ClientReader<v1::GuidanceEvent>> watch(grpc::ClientContext& ctx,
                                                               const std::string& id) {
    v1::WatchSessionRequest req;
    req.set_session_id(id);
    req.set_tick_rate_hz(50);
    ctx.set_deadline(std::chrono::system_clock::now() + seconds(120));
    return stub_->WatchSession(&ctx, req);
  }

  grpc::Status pause(const std::string& id, v1::PauseSetResponse* resp = nullptr) {
    v1::PauseSetRequest req;
    req.set_session_id(id);
    v1::PauseSetResponse r;
    auto s = call([&](auto* c, auto& q, auto* p) { return stub_->PauseSet(c, q, p); }, req, r);
    if (resp) *resp = r;
    return s;
  }
  grpc::Status resume(const std::string& id) {
    v1::ResumeSetRequest req;
    req.set_session_id(id);
    v1::ResumeSetResponse r;
    return call([&](auto* c, auto& q, auto* p) { return stub_->ResumeSet(c, q, p); }, req, r);
  }
  grpc::Status pain(const std::string& id, unsigned score, v1::ReportPainResponse& resp,
                    const std::string& location = "") {
    v1::ReportPainRequest req;
    req.set_session_id(id);
    req.set_pain_0_10(score);
    req.set_location(location);
    return call([&](auto* c, auto& q, auto* p) { return stub_->ReportPain(c, q, p); }, req, resp);
  }
  grpc::Status summary(const std::string& id, v1::SessionSummary& resp) {
    v1::GetSessionSummaryRequest req;
    req.set_session_id(id);
    return call([&](auto* c, auto& q, auto* p) { return stub_->GetSessionSummary(c, q, p); }, req,
                resp);
  }

  Stack stack_;
  std::unique_ptr<v1::GuidedSession::Stub> stub_;
};

TEST_F(SessionControls, IdentifyRegistersAnAthleteOnceAndNamesABadId) {
  v1::IdentifyAthleteRequest req;
  req.set_athlete_id("badge-0042");
  v1::IdentifyAthleteResponse first, second;
  auto identify = [&](auto* c, auto& q, auto* p) { return stub_->IdentifyAthlete(c, q, p); };
  ASSERT_TRUE(call(identify, req, first).ok()) << stack_.logs();
  EXPECT_TRUE(first.first_visit());
  EXPECT_GT(first.first_seen_unix_ms(), 0);
  EXPECT_EQ(first.sessions_on_this_machine(), 0u);
  EXPECT_FALSE(first.has_prescription()) << "no gym server and no cached prescription";
  EXPECT_EQ(first.greeting(), "Welcome: no prescription yet, ask your coach");
  ASSERT_TRUE(call(identify, req, second).ok());
  EXPECT_FALSE(second.first_visit());
  EXPECT_EQ(second.first_seen_unix_ms(), first.first_seen_unix_ms());

  req.set_athlete_id("badge 42; DROP TABLE");
  const auto bad = call(identify, req, second);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(bad.error_message().rfind("athlete_id: ", 0), 0u) << bad.error_message();
  EXPECT_EQ(query_int(stack_.plugin_db(), "SELECT COUNT(*) FROM athletes"), 1);
}

TEST_F(SessionControls, PauseUnloadsAndHoldsTheCountResumeGoesOn) {
  const std::string id = start(4);
  grpc::ClientContext wctx;
  auto reader = watch(wctx, id);
  v1::GuidanceEvent ev;
  enum class Step { kFirstRep, kPaused, kResumed } step = Step::kFirstRep;
  Clock::time_point paused_at{};
  bool saw_unloaded_pause = false, saw_reload = false;
  int reps_during_pause = 0;
  v1::SetReport finished;
  while (reader->Read(&ev)) {
    if (ev.has_fault()) ADD_FAILURE() << "fault: " << ev.fault().message();
    if (ev.has_set_finished()) finished = ev.set_finished();
    if (step == Step::kFirstRep && ev.has_rep()) {
      v1::PauseSetResponse p;
      ASSERT_TRUE(pause(id, &p).ok()) << stack_.logs();
      EXPECT_DOUBLE_EQ(p.max_pause_s(), 120.0);
      const auto again = pause(id);
      EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
      EXPECT_EQ(again.error_message(), "session_id: '" + id + "' is already paused");
      paused_at = Clock::now();
      step = Step::kPaused;
    } else if (step == Step::kPaused) {
      if (ev.has_rep()) ++reps_during_pause;
      if (ev.has_tick() && ev.tick().paused() && ev.tick().load_n() == 0) saw_unloaded_pause = true;
      if (Clock::now() - paused_at > seconds(4)) {
        ASSERT_TRUE(resume(id).ok()) << stack_.logs();
        step = Step::kResumed;
      }
    } else if (step == Step::kResumed && ev.has_tick() && !ev.tick().paused() &&
               ev.tick().load_n() > 1650) {
      saw_reload = true;
    }
  }
  ASSERT_TRUE(reader->Finish().ok()) << stack_.logs();
  EXPECT_TRUE(saw_unloaded_pause) << "paused ticks must show the load ramped off";
  EXPECT_TRUE(saw_reload) << "resume ramps the load back on";
  EXPECT_EQ(reps_during_pause, 0) << "nothing is judged while paused";
  EXPECT_EQ(finished.summary().reps_counted(), 4u) << stack_.logs();
  EXPECT_EQ(finished.summary().end_reason(), "target reached");
  const auto not_paused = resume(id);
  EXPECT_EQ(not_paused.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << "the set is over: nothing to resume";
}

TEST_F(SessionControls, PainAboveTheLimitUnloadsAtOnceAndIsInTheSummary) {
  const std::string id = start(6);
  grpc::ClientContext wctx;
  auto reader = watch(wctx, id);
  v1::GuidanceEvent ev;
  bool reported = false, saw_advice = false;
  double load_after_stop_n = -1;
  bool ramped = false;  // a tick between full load and none: the 1 s ramp
  v1::SetReport finished;
  while (reader->Read(&ev)) {
    if (ev.has_set_finished()) finished = ev.set_finished();
    if (ev.has_cue() && ev.cue().find("Pain 7/10") != std::string::npos) saw_advice = true;
    // The last tick: the session's final state (a tick already on its way when the report
    // returned may still show the load).
    if (reported && ev.has_tick()) {
      load_after_stop_n = ev.tick().load_n();
      if (load_after_stop_n > 1 && load_after_stop_n < 1690) ramped = true;
    }
    if (!reported && ev.has_rep()) {
      v1::SessionSummary early;
      EXPECT_EQ(summary(id, early).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
      v1::ReportPainResponse r;
      const auto bad = pain(id, 11, r);
      EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_EQ(bad.error_message(), "pain_0_10: must be 0..10, got 11");
      ASSERT_TRUE(pain(id, 3, r).ok()) << stack_.logs();
      EXPECT_FALSE(r.set_stopped());
      EXPECT_EQ(r.pain_limit(), 5u);
      EXPECT_EQ(r.advice(), "Pain 3/10 is acceptable (5 or less).");
      ASSERT_TRUE(pain(id, 7, r, "left Achilles").ok()) << stack_.logs();
      EXPECT_TRUE(r.set_stopped());
      EXPECT_EQ(r.advice(),
                "Pain 7/10 is above 5: set stopped and the machine unloaded. Tell your coach.");
      reported = true;
    }
  }
  ASSERT_TRUE(reader->Finish().ok()) << stack_.logs();
  ASSERT_TRUE(reported) << "no rep arrived" << stack_.logs();
  EXPECT_TRUE(saw_advice);
  EXPECT_EQ(finished.summary().end_reason(), "pain") << stack_.logs();
  EXPECT_EQ(load_after_stop_n, 0.0) << "the final tick: unloaded";
  EXPECT_FALSE(ramped) << "pain above the limit unloads at once, without a ramp";

  v1::SessionSummary s;
  ASSERT_TRUE(summary(id, s).ok()) << stack_.logs();
  EXPECT_EQ(s.pain_reports(), 2u);
  EXPECT_EQ(s.max_pain_0_10(), 7u);
  EXPECT_EQ(s.end_reason(), "pain");
  EXPECT_GE(s.reps_attempted(), 1u);
  ASSERT_GT(s.notes_size(), 0);
  EXPECT_EQ(s.notes(s.notes_size() - 1),
            "pain 7/10 is above 5: tell your coach before the next session");
  EXPECT_EQ(query_int(stack_.plugin_db(),
                      "SELECT COUNT(*) FROM pain_reports WHERE stopped_set = 1 AND "
                      "location = 'left Achilles' AND pain_0_10 = 7"),
            1);
}

TEST_F(SessionControls, ALoadByRmNeedsAnRmTestOnRecord) {
  auto req = demo_request("athlete-rm");
  req.mutable_set()->set_load_n(0);
  req.mutable_set()->set_target_rm(6);
  auto start = [&](v1::StartSetResponse& r) {
    return call([&](auto* c, auto& q, auto* p) { return stub_->StartSet(c, q, p); }, req, r);
  };
  v1::StartSetResponse started;
  const auto refused = start(started);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(refused.error_message(),
            "set.target_rm: a 6RM load needs an RM test or an RM estimate on record for athlete "
            "'athlete-rm' (Coach.RecordTestResult); none is");
  EXPECT_EQ(query_int(stack_.plugin_db(), "SELECT COUNT(*) FROM sessions"), 0)
      << "a refused start changes nothing";

  // 8 reps to failure at 1500 N: Epley 1RM = 1500 (1 + 8/30) = 1900 N; 6RM = 1900 / 1.2.
  auto coach = v1::Coach::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(stack_.plugin_port()), grpc::InsecureChannelCredentials()));
  v1::RecordTestResultRequest rm;
  rm.set_athlete_id("athlete-rm");
  rm.mutable_rm()->set_load_n(1500);
  rm.mutable_rm()->set_reps(8);
  v1::TestResult recorded;
  ASSERT_TRUE(call([&](auto* c, auto& q, auto* p) { return coach->RecordTestResult(c, q, p); }, rm,
                   recorded)
                  .ok())
      << stack_.logs();
  ASSERT_TRUE(start(started).ok()) << stack_.logs();

  v1::StopSetRequest stop;
  stop.set_session_id(started.session_id());
  v1::StopSetResponse stopped;
  ASSERT_TRUE(
      call([&](auto* c, auto& q, auto* p) { return stub_->StopSet(c, q, p); }, stop, stopped).ok());
  v1::GetSessionReportRequest rreq;
  rreq.set_session_id(started.session_id());
  v1::SessionReport report;
  for (int i = 0; i < 100; ++i) {  // at most 10 s for the ramped unload and the store
    report.Clear();
    if (call([&](auto* c, auto& q, auto* p) { return stub_->GetSessionReport(c, q, p); }, rreq,
             report)
            .ok() &&
        report.ended_at_unix_ms() > 0)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(report.sets_size(), 1) << stack_.logs();
  EXPECT_NEAR(report.sets(0).prescription().load_n(), 1900.0 / 1.2, 1e-6);
  EXPECT_EQ(report.sets(0).prescription().target_rm(), 6u);
}

TEST_F(SessionControls, WatchStreamsAreBounded) {
  const std::string id = start(6);
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::GuidanceEvent>>> readers;
  v1::GuidanceEvent ev;
  for (int i = 0; i < 32; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    readers.push_back(watch(*contexts.back(), id));
    ASSERT_TRUE(readers.back()->Read(&ev)) << "stream " << i << " " << stack_.logs();
  }
  grpc::ClientContext extra_ctx;
  auto extra = watch(extra_ctx, id);
  EXPECT_FALSE(extra->Read(&ev));
  const auto s = extra->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(s.error_message(), "too many watch streams (at most 32): close one and retry");

  v1::StopSetRequest stop;
  stop.set_session_id(id);
  v1::StopSetResponse stopped;
  ASSERT_TRUE(
      call([&](auto* c, auto& q, auto* p) { return stub_->StopSet(c, q, p); }, stop, stopped).ok());
  for (auto& r : readers) {
    while (r->Read(&ev)) {
    }
    EXPECT_TRUE(r->Finish().ok());
  }
}

}  // namespace
}  // namespace tempoload::testing
