// The Coach and Operator services over the real TLS listener with real tokens (issued with the
// real tempoloadctl): every rpc called by a role that may and by roles that may not (and with no
// token), with nothing changed by a refused call; per-caller scoping (a coach sees only their
// athletes, an athlete only themselves); validation errors naming the field; and tempoloadctl's
// coach and operator commands (tables, --json, exit codes). The plugin's database is seeded with
// sessions before the plugin starts, so no set has to run.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "plugin/storage/session_store.hpp"
#include "tempoload/v1/coach.grpc.pb.h"
#include "tempoload/v1/guided_session.grpc.pb.h"
#include "tempoload/v1/operator.grpc.pb.h"
#include "tests/integration/stack.hpp"
#include "tests/integration/tls_plugin.hpp"

namespace tempoload::testing {
namespace {

namespace v1 = tempoload::v1;
using std::chrono::seconds;
using Code = grpc::StatusCode;

constexpr std::int64_t kDayMs = 86'400'000;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A finished calf-raise session with `counted` counted reps and one too fast.
void seed_session(plugin::SessionStore& store, const std::string& id, const std::string& athlete,
                  std::int64_t at, int counted) {
  plugin::SessionStart s;
  s.session_id = id;
  s.athlete_id = athlete;
  s.machine_id = "calf-it-1";
  s.machine_model = "calf";
  s.started_at_unix_ms = at;
  s.prescription.set_reps(6);
  s.prescription.set_load_n(1700);
  store.begin_session(s);
  for (int i = 1; i <= counted + 1; ++i) {
    v1::RepResult r;
    r.set_index(i);
    r.set_counted(i <= counted);
    r.set_verdict(i <= counted ? v1::REP_VERDICT_COUNTED : v1::REP_VERDICT_TOO_FAST);
    r.set_mean_force_left_n(700);
    r.set_mean_force_right_n(820);
    r.set_peak_force_left_n(900);
    r.set_peak_force_right_n(1000);
    r.set_symmetry_index_pct(15.79);
    r.set_time_under_tension_s(7);
    r.set_completed_at_unix_ms(at + i * 8000);
    store.add_rep(id, r);
  }
  v1::SetSummary summary;
  summary.set_reps_counted(counted);
  summary.set_reps_attempted(counted + 1);
  summary.set_symmetry_index_pct(15.79);
  summary.set_end_reason("target reached");
  store.finish_session(id, summary, at + 60'000);
}

class CoachOperator : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stack_.start_sim()) << stack_.logs();
    ASSERT_TRUE(tls_.make_certificate()) << "openssl could not make a test certificate";
    host_ = issue({"--id", "host-1", "--role", "host"});
    coach_a_ = issue({"--id", "coach-a", "--role", "coach", "--athlete", "athlete-1"});
    coach_b_ = issue({"--id", "coach-b", "--role", "coach", "--athlete", "athlete-2"});
    operator_ = issue({"--id", "op-1", "--role", "operator"});
    athlete_ = issue({"--id", "athlete-1", "--role", "athlete"});
    {
      plugin::SessionStore store(stack_.plugin_db());
      const std::int64_t now = now_ms();
      seed_session(store, "s-a1-old", "athlete-1", now - 8 * kDayMs, 3);
      seed_session(store, "s-a1-new", "athlete-1", now - kDayMs, 5);
      seed_session(store, "s-a2", "athlete-2", now - 2 * kDayMs, 4);
      store.add_fault("s-a1-new", "estop", "e-stop pressed", now - kDayMs + 30'000,
                      now - kDayMs + 40'000);
    }
    ASSERT_TRUE(tls_.start()) << tls_.log_tail();
    plain_port_ = tls_.plain_port();
    tls_port_ = tls_.tls_port();
  }

  std::string issue(std::vector<std::string> args) { return tls_.issue(std::move(args)); }

  using CtlResult = TlsPlugin::CtlResult;
  // tempoloadctl with TLS and `token` against this plugin (token "" = none); extra args first.
  CtlResult ctl(std::vector<std::string> args, const std::string& token, bool tls = true) {
    return tls_.ctl(std::move(args), token, tls);
  }

  std::shared_ptr<grpc::Channel> channel(const std::string& token) { return tls_.channel(token); }
  std::unique_ptr<v1::Coach::Stub> coach(const std::string& token) {
    return v1::Coach::NewStub(channel(token));
  }
  std::unique_ptr<v1::Operator::Stub> op(const std::string& token) {
    return v1::Operator::NewStub(channel(token));
  }
  static std::unique_ptr<grpc::ClientContext> ctx() {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(std::chrono::system_clock::now() + seconds(10));
    return c;
  }

  // Every Coach rpc with a valid request about athlete-1 (the writes change things).
  std::vector<std::pair<std::string, std::function<grpc::Status(const std::string&)>>>
  coach_rpcs() {
    auto rx = [] {
      v1::SetPrescription p;
      p.set_reps(6);
      p.set_load_n(1500);
      auto* t = p.mutable_tempo();
      t->set_concentric_s(3);
      t->set_eccentric_s(3.5);
      t->set_bottom_pause_s(1);
      t->set_eccentric_min_s(3);
      t->set_eccentric_max_s(4);
      return p;
    };
    return {
        {"ListAthletes",
         [this](const std::string& t) {
           v1::ListAthletesResponse r;
           return coach(t)->ListAthletes(ctx().get(), {}, &r);
         }},
        {"GetAthlete",
         [this](const std::string& t) {
           v1::GetAthleteRequest q;
           q.set_athlete_id("athlete-1");
           v1::AthleteDetail r;
           return coach(t)->GetAthlete(ctx().get(), q, &r);
         }},
        {"ListSessions",
         [this](const std::string& t) {
           v1::ListSessionsRequest q;
           q.set_athlete_id("athlete-1");
           v1::ListSessionsResponse r;
           return coach(t)->ListSessions(ctx().get(), q, &r);
         }},
        {"GetSessionReport",
         [this](const std::string& t) {
           v1::GetSessionReportRequest q;
           q.set_session_id("s-a1-new");
           v1::SessionReport r;
           return coach(t)->GetSessionReport(ctx().get(), q, &r);
         }},
        {"AssignPrescription",
         [this, rx](const std::string& t) {
           v1::AssignPrescriptionRequest q;
           q.set_athlete_id("athlete-1");
           *q.mutable_set() = rx();
           v1::AssignPrescriptionResponse r;
           return coach(t)->AssignPrescription(ctx().get(), q, &r);
         }},
        {"GetPrescriptionHistory",
         [this](const std::string& t) {
           v1::GetPrescriptionHistoryRequest q;
           q.set_athlete_id("athlete-1");
           v1::PrescriptionHistory r;
           return coach(t)->GetPrescriptionHistory(ctx().get(), q, &r);
         }},
        {"RecordTestResult",
         [this](const std::string& t) {
           v1::RecordTestResultRequest q;
           q.set_athlete_id("athlete-1");
           q.mutable_rm()->set_load_n(1800);
           q.mutable_rm()->set_reps(6);
           v1::TestResult r;
           return coach(t)->RecordTestResult(ctx().get(), q, &r);
         }},
        {"ListTestResults",
         [this](const std::string& t) {
           v1::ListTestResultsRequest q;
           q.set_athlete_id("athlete-1");
           v1::ListTestResultsResponse r;
           return coach(t)->ListTestResults(ctx().get(), q, &r);
         }},
        {"GetTrends",
         [this](const std::string& t) {
           v1::GetTrendsRequest q;
           q.set_athlete_id("athlete-1");
           v1::Trends r;
           return coach(t)->GetTrends(ctx().get(), q, &r);
         }},
    };
  }

  std::vector<std::pair<std::string, std::function<grpc::Status(const std::string&)>>>
  operator_rpcs() {
    return {
        {"GetMachineStatus",
         [this](const std::string& t) {
           v1::MachineStatus r;
           return op(t)->GetMachineStatus(ctx().get(), {}, &r);
         }},
        {"GetUsage",
         [this](const std::string& t) {
           v1::GetUsageResponse r;
           return op(t)->GetUsage(ctx().get(), {}, &r);
         }},
        {"ListFaults",
         [this](const std::string& t) {
           v1::ListFaultsResponse r;
           return op(t)->ListFaults(ctx().get(), {}, &r);
         }},
        {"Calibrate",
         [this](const std::string& t) {
           v1::CalibrateRequest q;
           q.mutable_range_limits()->set_bottom_m(0.01);
           q.mutable_range_limits()->set_top_m(0.08);
           v1::CalibrateResponse r;
           return op(t)->Calibrate(ctx().get(), q, &r);
         }},
        {"GetVersions",
         [this](const std::string& t) {
           v1::Versions r;
           return op(t)->GetVersions(ctx().get(), {}, &r);
         }},
        {"Export",
         [this](const std::string& t) {
           v1::ExportRequest q;
           q.set_kind(v1::EXPORT_KIND_SESSIONS);
           auto c = ctx();
           auto reader = op(t)->Export(c.get(), q);
           v1::ExportChunk chunk;
           while (reader->Read(&chunk)) {
           }
           return reader->Finish();
         }},
    };
  }

  // What a refused call must not change: prescriptions, test results and calibration.
  std::string state() {
    v1::PrescriptionHistory h;
    v1::GetPrescriptionHistoryRequest hq;
    hq.set_athlete_id("athlete-1");
    EXPECT_TRUE(coach(host_)->GetPrescriptionHistory(ctx().get(), hq, &h).ok());
    v1::ListTestResultsResponse tr;
    v1::ListTestResultsRequest tq;
    tq.set_athlete_id("athlete-1");
    EXPECT_TRUE(coach(host_)->ListTestResults(ctx().get(), tq, &tr).ok());
    v1::MachineStatus s;
    EXPECT_TRUE(op(operator_)->GetMachineStatus(ctx().get(), {}, &s).ok());
    return h.SerializeAsString() + "|" + tr.SerializeAsString() + "|" +
           s.calibration().SerializeAsString();
  }

  Stack stack_;
  TlsPlugin tls_{stack_};
  int plain_port_ = -1, tls_port_ = -1;
  std::string host_, coach_a_, coach_b_, operator_, athlete_;
};

TEST_F(CoachOperator, EveryCoachRpcIsAllowedToCoachesAndRefusedToOthersChangingNothing) {
  const std::string before = state();
  for (auto& [name, call] : coach_rpcs()) {
    SCOPED_TRACE(name);
    auto s = call("");
    EXPECT_EQ(s.error_code(), Code::UNAUTHENTICATED) << s.error_message();
    s = call("tl_not-a-token");
    EXPECT_EQ(s.error_code(), Code::UNAUTHENTICATED) << s.error_message();
    s = call(operator_);
    EXPECT_EQ(s.error_code(), Code::PERMISSION_DENIED) << s.error_message();
    EXPECT_EQ(s.error_message(), "role operator may not call /tempoload.v1.Coach/" + name);
    s = call(coach_b_);  // a coach, but not athlete-1's
    if (name == "ListAthletes")
      EXPECT_TRUE(s.ok()) << "a list is filtered, not refused";
    else
      EXPECT_EQ(s.error_code(), Code::PERMISSION_DENIED) << s.error_message();
    if (name == "AssignPrescription" || name == "RecordTestResult") {
      s = call(athlete_);  // athletes read, they do not change
      EXPECT_EQ(s.error_code(), Code::PERMISSION_DENIED) << s.error_message();
    }
  }
  EXPECT_EQ(state(), before) << "refused calls changed nothing";
  for (auto& [name, call] : coach_rpcs()) {
    SCOPED_TRACE(name);
    const auto s = call(coach_a_);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(call(host_).ok()) << "the host sees everyone";
    if (name != "AssignPrescription" && name != "RecordTestResult") {
      EXPECT_TRUE(call(athlete_).ok()) << "the athlete reads their own data";
    }
  }
  EXPECT_NE(state(), before);
}

TEST_F(CoachOperator, EveryOperatorRpcIsForOperatorsOnly) {
  const std::string before = state();
  for (auto& [name, call] : operator_rpcs()) {
    SCOPED_TRACE(name);
    EXPECT_EQ(call("").error_code(), Code::UNAUTHENTICATED);
    for (const auto* token : {&coach_a_, &athlete_, &host_}) {
      const auto s = call(*token);
      EXPECT_EQ(s.error_code(), Code::PERMISSION_DENIED) << s.error_message();
    }
  }
  EXPECT_EQ(state(), before) << "refused calls changed nothing";
  for (auto& [name, call] : operator_rpcs()) {
    SCOPED_TRACE(name);
    const auto s = call(operator_);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_NE(state(), before) << "the calibration changed";
}

TEST_F(CoachOperator, CoachesSeeOnlyTheirAthletesAndAthletesOnlyThemselves) {
  v1::ListAthletesResponse athletes;
  ASSERT_TRUE(coach(coach_a_)->ListAthletes(ctx().get(), {}, &athletes).ok());
  ASSERT_EQ(athletes.athletes_size(), 1);
  EXPECT_EQ(athletes.athletes(0).athlete_id(), "athlete-1");
  EXPECT_EQ(athletes.athletes(0).sessions(), 2u);
  ASSERT_TRUE(coach(host_)->ListAthletes(ctx().get(), {}, &athletes).ok());
  EXPECT_EQ(athletes.athletes_size(), 2);

  v1::ListSessionsResponse sessions;
  ASSERT_TRUE(coach(coach_a_)->ListSessions(ctx().get(), {}, &sessions).ok());
  ASSERT_EQ(sessions.sessions_size(), 2) << "only athlete-1's";
  EXPECT_EQ(sessions.sessions(0).session_id(), "s-a1-new") << "newest first";
  EXPECT_EQ(sessions.sessions(0).reps_counted(), 5u);
  ASSERT_TRUE(coach(athlete_)->ListSessions(ctx().get(), {}, &sessions).ok());
  EXPECT_EQ(sessions.sessions_size(), 2);
  ASSERT_TRUE(coach(coach_b_)->ListSessions(ctx().get(), {}, &sessions).ok());
  ASSERT_EQ(sessions.sessions_size(), 1);
  EXPECT_EQ(sessions.sessions(0).athlete_id(), "athlete-2");

  // Another coach's athlete, by id or through a session of theirs: refused, naming the field.
  v1::ListSessionsRequest other;
  other.set_athlete_id("athlete-2");
  auto s = coach(coach_a_)->ListSessions(ctx().get(), other, &sessions);
  EXPECT_EQ(s.error_code(), Code::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(), "athlete_id: coach coach-a may not see athlete 'athlete-2'");
  v1::GetSessionReportRequest report_req;
  report_req.set_session_id("s-a2");
  v1::SessionReport report;
  s = coach(coach_a_)->GetSessionReport(ctx().get(), report_req, &report);
  EXPECT_EQ(s.error_code(), Code::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message().rfind("session_id: ", 0), 0u) << s.error_message();
  // The same through GuidedSession/GetSessionReport, for a coach and for an athlete.
  auto guided = [&](const std::string& token) {
    v1::SessionReport r;
    return v1::GuidedSession::NewStub(channel(token))
        ->GetSessionReport(ctx().get(), report_req, &r);
  };
  EXPECT_EQ(guided(coach_a_).error_code(), Code::PERMISSION_DENIED);
  EXPECT_EQ(guided(athlete_).error_code(), Code::PERMISSION_DENIED);
  EXPECT_TRUE(guided(coach_b_).ok());
  EXPECT_EQ(guided(operator_).error_code(), Code::PERMISSION_DENIED) << "training detail";
  v1::GetTrendsRequest trends_req;
  trends_req.set_athlete_id("athlete-2");
  v1::Trends trends;
  EXPECT_EQ(coach(athlete_)->GetTrends(ctx().get(), trends_req, &trends).error_code(),
            Code::PERMISSION_DENIED);
  trends_req.set_athlete_id("athlete-1");
  ASSERT_TRUE(coach(athlete_)->GetTrends(ctx().get(), trends_req, &trends).ok());
  ASSERT_EQ(trends.weeks_size(), 2) << "two sessions a week apart";
  EXPECT_EQ(trends.weeks(0).reps_counted() + trends.weeks(1).reps_counted(), 8u);
  EXPECT_DOUBLE_EQ(trends.weeks(1).mean_force_right_n(), 820);
  // The machine's own loopback listener needs no token and sees everyone.
  auto local = v1::Coach::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(plain_port_),
                                                      grpc::InsecureChannelCredentials()));
  v1::GetSessionReportRequest any;
  any.set_session_id("s-a2");
  EXPECT_TRUE(local->GetSessionReport(ctx().get(), any, &report).ok());
  EXPECT_EQ(report.sets(0).reps_size(), 5);
}

TEST_F(CoachOperator, BadRequestsAreInvalidArgumentNamingTheFieldAndChangeNothing) {
  const std::string before = state();
  auto expect_invalid = [](const grpc::Status& s, const std::string& field) {
    EXPECT_EQ(s.error_code(), Code::INVALID_ARGUMENT) << s.error_message();
    EXPECT_EQ(s.error_message().rfind(field + ":", 0), 0u)
        << "'" << s.error_message() << "' names " << field;
  };
  v1::GetTrendsRequest trends;
  trends.set_athlete_id("bad id!");
  v1::Trends t;
  expect_invalid(coach(host_)->GetTrends(ctx().get(), trends, &t), "athlete_id");
  v1::ListSessionsRequest list;
  list.set_page_size(501);
  v1::ListSessionsResponse sessions;
  expect_invalid(coach(coach_a_)->ListSessions(ctx().get(), list, &sessions), "page_size");
  list.set_page_size(0);
  list.set_page_token("x1");
  expect_invalid(coach(coach_a_)->ListSessions(ctx().get(), list, &sessions), "page_token");
  v1::AssignPrescriptionRequest assign;
  assign.set_athlete_id("athlete-1");
  v1::AssignPrescriptionResponse assigned;
  expect_invalid(coach(coach_a_)->AssignPrescription(ctx().get(), assign, &assigned), "set");
  assign.mutable_set()->set_reps(0);
  assign.mutable_set()->set_load_n(1500);
  expect_invalid(coach(coach_a_)->AssignPrescription(ctx().get(), assign, &assigned), "set.reps");
  v1::RecordTestResultRequest test;
  test.set_athlete_id("athlete-1");
  test.mutable_rm()->set_load_n(1000);
  test.mutable_rm()->set_reps(20);
  v1::TestResult result;
  expect_invalid(coach(coach_a_)->RecordTestResult(ctx().get(), test, &result), "rm.reps");
  test.clear_rm();
  expect_invalid(coach(coach_a_)->RecordTestResult(ctx().get(), test, &result), "test");
  v1::CalibrateRequest cal;
  cal.mutable_range_limits()->set_bottom_m(0.01);
  cal.mutable_range_limits()->set_top_m(5.0);
  v1::CalibrateResponse calibrated;
  expect_invalid(op(operator_)->Calibrate(ctx().get(), cal, &calibrated), "range_limits.top_m");
  expect_invalid(op(operator_)->Calibrate(ctx().get(), {}, &calibrated),
                 "zero_load_cells, range_limits or clear_range_limits");
  v1::ListFaultsRequest faults;
  faults.set_limit(5000);
  v1::ListFaultsResponse listed;
  expect_invalid(op(operator_)->ListFaults(ctx().get(), faults, &listed), "limit");
  v1::GetUsageRequest usage;
  usage.set_from_unix_ms(1000);
  usage.set_to_unix_ms(500);
  v1::GetUsageResponse used;
  expect_invalid(op(operator_)->GetUsage(ctx().get(), usage, &used), "to_unix_ms");
  v1::ExportRequest exp;
  auto c = ctx();
  auto reader = op(operator_)->Export(c.get(), exp);
  v1::ExportChunk chunk;
  while (reader->Read(&chunk)) {
  }
  expect_invalid(reader->Finish(), "kind");
  EXPECT_EQ(state(), before);
}

TEST_F(CoachOperator, AssignedPrescriptionsAreAuditedFieldByField) {
  v1::AssignPrescriptionRequest q;
  q.set_athlete_id("athlete-1");
  auto* set = q.mutable_set();
  set->set_reps(6);
  set->set_load_n(1500);
  set->mutable_tempo()->set_concentric_s(3);
  set->mutable_tempo()->set_eccentric_s(3.5);
  set->mutable_tempo()->set_eccentric_min_s(3);
  set->mutable_tempo()->set_eccentric_max_s(4);
  v1::AssignPrescriptionResponse first;
  ASSERT_TRUE(coach(coach_a_)->AssignPrescription(ctx().get(), q, &first).ok());
  EXPECT_EQ(first.version(), 1u);
  EXPECT_EQ(first.base_version(), 0u);
  set->set_load_n(1650);
  q.set_reason("2-for-2 rule: progress");
  v1::AssignPrescriptionResponse second;
  ASSERT_TRUE(coach(coach_a_)->AssignPrescription(ctx().get(), q, &second).ok());
  EXPECT_EQ(second.base_version(), 1u) << "0 = the newest held here";
  EXPECT_EQ(second.version(), 2u);
  ASSERT_EQ(second.changes_size(), 1);
  EXPECT_EQ(second.changes(0).field(), "load_n");
  EXPECT_EQ(second.changes(0).before(), "1500");
  EXPECT_EQ(second.changes(0).after(), "1650");

  v1::GetPrescriptionHistoryRequest hq;
  hq.set_athlete_id("athlete-1");
  v1::PrescriptionHistory h;
  ASSERT_TRUE(coach(athlete_)->GetPrescriptionHistory(ctx().get(), hq, &h).ok());
  ASSERT_EQ(h.versions_size(), 2);
  EXPECT_EQ(h.versions(0).state(), "pending");
  EXPECT_EQ(h.versions(0).prescription().updated_by(), "coach-a") << "who: from the token";
  ASSERT_GE(h.audit_size(), 4);
  const auto& diff = h.audit(0);  // newest first
  EXPECT_EQ(diff.action(), "prescription_diff");
  EXPECT_EQ(diff.actor(), "coach-a");
  EXPECT_NEAR(static_cast<double>(diff.at_unix_ms()), static_cast<double>(now_ms()), 60'000);
  const auto detail = nlohmann::json::parse(diff.detail());
  EXPECT_EQ(detail["changes"].size(), 1u);
  EXPECT_EQ(detail["changes"][0]["field"], "load_n");
  EXPECT_EQ(detail["reason"], "2-for-2 rule: progress");
  EXPECT_EQ(h.audit(1).action(), "prescription_edit");

  v1::GetAthleteRequest aq;
  aq.set_athlete_id("athlete-1");
  v1::AthleteDetail a;
  ASSERT_TRUE(coach(coach_a_)->GetAthlete(ctx().get(), aq, &a).ok());
  EXPECT_EQ(a.prescription().version(), 2u);
  EXPECT_EQ(a.prescription_state(), "pending");
  EXPECT_EQ(a.last_session().session_id(), "s-a1-new");
}

TEST_F(CoachOperator, OperatorSeesTheMachineUsageFaultsAndCalibrates) {
  v1::MachineStatus s;
  for (int i = 0; i < 50; ++i) {  // the loop connects to the simulator within a few seconds
    ASSERT_TRUE(op(operator_)->GetMachineStatus(ctx().get(), {}, &s).ok());
    if (s.connected()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(s.connected());
  EXPECT_EQ(s.machine_id(), "calf-it-1");
  EXPECT_EQ(s.machine_kind(), "calf_raise");
  EXPECT_FALSE(s.set_running());
  EXPECT_GT(s.loop_cycles(), 0u);
  EXPECT_EQ(s.versions().api_version(), "tempoload.v1");
  EXPECT_EQ(s.versions().schema_version(), 5u);
  EXPECT_FALSE(s.versions().map_version().empty());
  EXPECT_GE(s.outbox_pending(), 3u) << "the seeded sessions' reports (no gym server)";

  v1::GetUsageResponse usage;
  ASSERT_TRUE(op(operator_)->GetUsage(ctx().get(), {}, &usage).ok());
  EXPECT_EQ(usage.sessions(), 3u);
  EXPECT_EQ(usage.distinct_users(), 2u);
  EXPECT_EQ(usage.days_size(), 3);
  EXPECT_NEAR(usage.loaded_minutes(), 0, 1e-9) << "seeded sessions had no loaded time";

  v1::ListFaultsResponse faults;
  ASSERT_TRUE(op(operator_)->ListFaults(ctx().get(), {}, &faults).ok());
  const auto estop = std::find_if(faults.faults().begin(), faults.faults().end(),
                                  [](const v1::FaultRecord& f) { return f.code() == "estop"; });
  ASSERT_NE(estop, faults.faults().end());
  EXPECT_EQ(estop->session_id(), "s-a1-new");
  EXPECT_DOUBLE_EQ(estop->duration_s(), 10);

  // Zeroing takes the current unloaded readings. The simulator's athlete always stands on the
  // plates (M g, docs/simulator.md), so zeroing is refused as loaded and changes nothing.
  v1::CalibrateRequest zero;
  zero.set_zero_load_cells(true);
  v1::CalibrateResponse c;
  ASSERT_GT(s.force_left_n(), 150) << "the simulator reads the standing athlete";
  const auto zeroed = op(operator_)->Calibrate(ctx().get(), zero, &c);
  EXPECT_EQ(zeroed.error_code(), Code::FAILED_PRECONDITION) << zeroed.error_message();
  EXPECT_NE(zeroed.error_message().find("the left load cell reads"), std::string::npos)
      << zeroed.error_message();
  ASSERT_TRUE(op(operator_)->GetMachineStatus(ctx().get(), {}, &s).ok());
  EXPECT_EQ(s.calibration().zeroed_at_unix_ms(), 0) << "nothing changed";
  v1::CalibrateRequest range;
  range.mutable_range_limits()->set_bottom_m(0.01);
  range.mutable_range_limits()->set_top_m(0.08);
  ASSERT_TRUE(op(operator_)->Calibrate(ctx().get(), range, &c).ok());
  ASSERT_TRUE(op(operator_)->GetMachineStatus(ctx().get(), {}, &s).ok());
  EXPECT_DOUBLE_EQ(s.calibration().range_limits().top_m(), 0.08);
  EXPECT_EQ(s.calibration().range_set_by(), "op-1") << "who, from the token";
  EXPECT_GT(s.calibration().range_set_at_unix_ms(), 0);

  // Export: sessions and usage for operators; reps only for the machine's host.
  auto export_all = [&](v1::Operator::Stub& stub, v1::ExportKind kind, std::string& out) {
    v1::ExportRequest q;
    q.set_kind(kind);
    q.set_format(v1::EXPORT_FORMAT_CSV);
    auto c = ctx();
    auto reader = stub.Export(c.get(), q);
    v1::ExportChunk chunk;
    while (reader->Read(&chunk)) out += chunk.data();
    return reader->Finish();
  };
  std::string csv;
  ASSERT_TRUE(export_all(*op(operator_), v1::EXPORT_KIND_SESSIONS, csv).ok());
  EXPECT_EQ(csv.rfind("session_id,athlete_id,", 0), 0u) << csv;
  EXPECT_NE(csv.find("s-a2,athlete-2"), std::string::npos);
  std::string reps;
  const auto denied = export_all(*op(operator_), v1::EXPORT_KIND_REPS, reps);
  EXPECT_EQ(denied.error_code(), Code::PERMISSION_DENIED) << denied.error_message();
  auto local = v1::Operator::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(plain_port_),
                                                         grpc::InsecureChannelCredentials()));
  ASSERT_TRUE(export_all(*local, v1::EXPORT_KIND_REPS, reps).ok());
  EXPECT_EQ(std::count(reps.begin(), reps.end(), '\n'), 1 + 4 + 6 + 5) << "header + every rep";
}

TEST_F(CoachOperator, TempoloadctlPrintsTablesJsonAndScriptableExitCodes) {
  auto r = ctl({"coach", "athletes"}, coach_a_);
  EXPECT_EQ(r.exit_code, 0) << r.out << slurp(stack_.dir() / "ctl.log");
  EXPECT_NE(r.out.find("athlete-1"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("athlete-2"), std::string::npos) << r.out;

  r = ctl({"coach", "sessions", "--json"}, coach_a_);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  v1::ListSessionsResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &parsed).ok()) << r.out;
  EXPECT_EQ(parsed.sessions_size(), 2);

  r = ctl({"coach", "session", "show", "s-a1-new"}, athlete_);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("counted"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("TOO FAST"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("symmetry"), std::string::npos) << r.out;

  const auto file = stack_.dir() / "rx.json";
  std::ofstream(file) << R"({"reps": 8, "loadN": 1600, "tempo": {"concentricS": 3,
      "eccentricS": 3.5, "eccentricMinS": 3, "eccentricMaxS": 4}})";
  r = ctl({"coach", "prescription", "assign", "athlete-1", file.string(), "--reason", "start"},
          coach_a_);
  EXPECT_EQ(r.exit_code, 0) << r.out << slurp(stack_.dir() / "ctl.log");
  EXPECT_NE(r.out.find("load_n"), std::string::npos) << r.out;

  // 2: refused (another coach's athlete; no token; invalid), 3: not found, 4: unreachable,
  // 1: usage.
  EXPECT_EQ(ctl({"coach", "trends", "athlete-1"}, coach_b_).exit_code, 2);
  EXPECT_EQ(ctl({"operator", "status"}, "").exit_code, 2);
  EXPECT_EQ(ctl({"operator", "calibrate", "--range", "0.05", "0.06"}, operator_).exit_code, 2)
      << "less than 2 cm";
  EXPECT_EQ(ctl({"coach", "session", "show", "no-such-session"}, coach_a_).exit_code, 3);
  EXPECT_EQ(
      ctl({"coach", "athletes", "--server", "127.0.0.1:1", "--timeout", "2"}, "", false).exit_code,
      4);
  EXPECT_EQ(ctl({"coach", "athletes", "--server", "192.0.2.1:50051"}, "", false).exit_code, 1)
      << "plaintext only to loopback";

  r = ctl({"operator", "usage", "--json"}, operator_);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["sessions"], 3);
  r = ctl({"operator", "export", "--what", "usage", "--format", "json"}, operator_);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out).size(), 3u) << "one row per day and athlete";
  r = ctl({"operator", "faults"}, operator_);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("estop"), std::string::npos) << r.out;
  // The machine's host, on its loopback listener, with no token.
  r = ctl({"operator", "export", "--what", "reps", "--server",
           "127.0.0.1:" + std::to_string(plain_port_)},
          "", false);
  EXPECT_EQ(r.exit_code, 0) << slurp(stack_.dir() / "ctl.log");
  EXPECT_EQ(r.out.rfind("session_id,set_index,rep,verdict", 0), 0u) << r.out;
}

}  // namespace
}  // namespace tempoload::testing
