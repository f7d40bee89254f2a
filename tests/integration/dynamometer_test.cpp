// The same plugin binary on the simulated ankle dynamometer, chosen by the register map: a
// standard plantarflexion test (gravity correction, then isokinetic concentric reps at 60 and
// 180 deg/s, each leg) whose results are stored and received by the gym server, an eccentric
// training's lowering time, and the requests that are refused. Real processes on loopback.
// The scenario's athlete (sim/scenarios/dynamometer.json): left leg 110 N m, right 135 N m.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "plugin/http/http_client.hpp"
#include "tests/integration/stack.hpp"

namespace tempoload::testing {
namespace {

namespace v1 = tempoload::v1;
using google::protobuf::util::MessageDifferencer;

constexpr double kPi = 3.14159265358979323846;

v1::StartDynamometerTestRequest base_request() {
  v1::StartDynamometerTestRequest req;
  req.set_athlete_id("athlete-dyn");
  req.set_body_mass_kg(75);
  for (auto* r : {req.mutable_left_range(), req.mutable_right_range()}) {
    r->set_min_deg(-15);
    r->set_max_deg(35);
  }
  req.set_rest_between_series_s(1);  // short rests: the test is about the machine, not the athlete
  req.set_rest_between_reps_s(0.3);
  return req;
}

// A standard test with 3 reps per speed (enough for fatigue, quick enough for a test).
v1::StartDynamometerTestRequest standard_request() {
  auto req = base_request();
  req.mutable_standard_test()->set_reps(3);  // speeds: the default 60 and 180 deg/s
  req.add_set_angles_deg(0);
  req.add_set_angles_deg(20);
  return req;
}

struct Watched {
  std::vector<v1::DynamometerRep> reps;
  std::vector<v1::GravityCorrection> gravity;
  std::vector<v1::DynamometerSeriesResult> series;
  v1::DynamometerTestReport finished;
  bool have_finished = false;
  int ticks = 0;
  std::vector<std::string> faults;
};

Watched watch(v1::DynamometerTest::Stub& stub, const std::string& session_id, int max_s) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(max_s));
  v1::WatchDynamometerTestRequest req;
  req.set_session_id(session_id);
  req.set_tick_rate_hz(5);
  auto reader = stub.WatchTest(&ctx, req);
  Watched w;
  v1::DynamometerEvent ev;
  while (reader->Read(&ev)) {
    if (ev.has_tick()) ++w.ticks;
    if (ev.has_rep()) w.reps.push_back(ev.rep());
    if (ev.has_gravity()) w.gravity.push_back(ev.gravity());
    if (ev.has_series_finished()) w.series.push_back(ev.series_finished());
    if (ev.has_fault()) w.faults.push_back(ev.fault().code() + ": " + ev.fault().message());
    if (ev.has_finished()) {
      w.finished = ev.finished();
      w.have_finished = true;
    }
  }
  EXPECT_TRUE(reader->Finish().ok());
  return w;
}

class DynamometerEndToEnd : public ::testing::Test {
 protected:
  DynamometerEndToEnd() : stack_("dynamometer.json", TEMPOLOAD_DYNAMOMETER_MAP) {}
  Stack stack_;
};

TEST_F(DynamometerEndToEnd, StandardTestIsMeasuredStoredAndReceivedByTheGym) {
  ASSERT_TRUE(stack_.start_sim()) << stack_.logs();
  ASSERT_TRUE(stack_.start_gym()) << stack_.logs();
  ASSERT_TRUE(stack_.start_plugin()) << stack_.logs();
  auto stub = stack_.dynamometer_stub();
  grpc::ClientContext start_ctx;
  v1::StartDynamometerTestResponse started;
  auto status = stub->StartTest(&start_ctx, standard_request(), &started);
  ASSERT_TRUE(status.ok()) << status.error_message() << stack_.logs();

  const auto t0 = std::chrono::steady_clock::now();
  const Watched w = watch(*stub, started.session_id(), 120);
  const double took_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "[ measure  ] standard test (2 legs x (gravity + 2 x 3 reps)) took " << took_s
            << " s\n";
  ASSERT_TRUE(w.have_finished) << stack_.logs();
  EXPECT_TRUE(w.faults.empty()) << w.faults.front();
  EXPECT_EQ(w.finished.end_reason(), "completed") << stack_.logs();
  EXPECT_GT(w.ticks, 10);

  // Series: gravity L, 60 L, 180 L, gravity R, 60 R, 180 R.
  const auto& r = w.finished;
  ASSERT_EQ(r.results_size(), 6) << r.DebugString();
  ASSERT_EQ(r.gravity_size(), 2);
  ASSERT_EQ(w.reps.size(), 12u);
  for (const auto& rep : w.reps) {
    EXPECT_TRUE(rep.complete()) << rep.DebugString();
    EXPECT_TRUE(rep.gravity_corrected());
    EXPECT_NEAR(rep.end_angle_deg(), 34.5, 0.6) << "the far end of the range";
    EXPECT_GE(rep.angle_of_peak_deg(), -15.5);
    EXPECT_LE(rep.angle_of_peak_deg(), 35.5);
    EXPECT_GT(rep.work_j(), 0);
    EXPECT_EQ(rep.torque_at_angles_size(), 2) << "0 and 20 deg lie inside the range";
  }
  // The footplate (2 kg at 0.12 m): -2.354 cos(angle) N m at rest, measured at 5 angles.
  for (const auto& g : r.gravity()) {
    ASSERT_EQ(g.points_size(), 5);
    for (const auto& p : g.points())
      EXPECT_NEAR(p.torque_nm(), -2.354 * std::cos(p.angle_deg() * kPi / 180), 0.15)
          << p.angle_deg() << " deg";
  }
  const auto& left60 = r.results(1);
  const auto& left180 = r.results(2);
  const auto& right60 = r.results(4);
  const auto& right180 = r.results(5);
  for (const auto* s : {&left60, &left180, &right60, &right180}) {
    EXPECT_EQ(s->reps_measured(), 3u);
    EXPECT_EQ(s->end_reason(), "completed");
    EXPECT_NEAR(s->peak_torque_per_kg(), s->peak_torque_nm() / 75, 1e-9);
    EXPECT_TRUE(s->has_fatigue_pct());
    EXPECT_GT(s->average_power_w(), 0);
  }
  // Torque-velocity: slower is stronger; the right leg is the stronger (135 vs 110 N m).
  EXPECT_GT(left60.peak_torque_nm(), left180.peak_torque_nm() * 1.3);
  EXPECT_GT(right60.peak_torque_nm(), right180.peak_torque_nm() * 1.3);
  EXPECT_NEAR(left60.peak_torque_nm(), 80, 8) << "110 N m x 0.74 (Hill at 60 deg/s)";
  // Power rises with speed at these torques.
  EXPECT_GT(left180.average_power_w(), left60.average_power_w());
  ASSERT_EQ(r.bilateral_size(), 2);
  const auto& b60 = r.bilateral(0);
  EXPECT_NEAR(b60.speed_deg_s(), 60, 1e-9);
  EXPECT_EQ(b60.weaker_leg(), v1::LEG_LEFT);
  // (135 - 110) / 135 = 18.5%; fatigue and noise move it a little.
  EXPECT_NEAR(b60.deficit_pct(), 18.5, 3.0);
  EXPECT_NEAR(b60.deficit_pct(),
              (right60.peak_torque_nm() - left60.peak_torque_nm()) / right60.peak_torque_nm() * 100,
              1e-9);
  EXPECT_EQ(b60.formula(), "(stronger - weaker) / stronger x 100");

  // Stored: the report the plugin keeps carries the same results.
  auto session = stack_.session_stub();
  grpc::ClientContext report_ctx;
  v1::GetSessionReportRequest rreq;
  rreq.set_session_id(started.session_id());
  v1::SessionReport stored;
  ASSERT_TRUE(session->GetSessionReport(&report_ctx, rreq, &stored).ok());
  EXPECT_EQ(stored.machine_model(), "tempoload-ankle-dynamometer");
  EXPECT_EQ(stored.sets_size(), 0);
  EXPECT_TRUE(MessageDifferencer::Equals(stored.dynamometer_test(), w.finished));

  // Received: the gym server holds the same report.
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
  EXPECT_TRUE(MessageDifferencer::Equals(stored.dynamometer_test(), received.dynamometer_test()))
      << received.dynamometer_test().DebugString();
}

TEST_F(DynamometerEndToEnd, EccentricTrainingLowersInTheGivenTime) {
  ASSERT_TRUE(stack_.start_sim()) << stack_.logs();
  ASSERT_TRUE(stack_.start_plugin()) << stack_.logs();
  auto stub = stack_.dynamometer_stub();
  auto req = base_request();
  req.add_legs(v1::LEG_RIGHT);
  req.set_gravity_correction(false);
  auto* e = req.mutable_eccentric_training();
  e->set_lowering_s(3.0);
  e->set_reps(2);
  e->set_sets(1);
  grpc::ClientContext ctx;
  v1::StartDynamometerTestResponse started;
  auto status = stub->StartTest(&ctx, req, &started);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const Watched w = watch(*stub, started.session_id(), 60);
  ASSERT_TRUE(w.have_finished) << stack_.logs();
  EXPECT_EQ(w.finished.end_reason(), "completed") << stack_.logs();
  ASSERT_EQ(w.reps.size(), 2u);
  for (const auto& rep : w.reps) {
    EXPECT_EQ(rep.mode(), v1::DYNAMOMETER_MODE_ISOKINETIC_ECCENTRIC);
    EXPECT_TRUE(rep.complete());
    EXPECT_NEAR(rep.duration_s(), 3.0, 0.15) << "lowered through the range in 3 s";
    EXPECT_NEAR(rep.start_angle_deg(), 34.5, 0.6);
    EXPECT_NEAR(rep.end_angle_deg(), -14.5, 0.6);
    // Resisting a slow lengthening: above the right leg's 135 N m isometric strength x angle.
    EXPECT_GT(rep.peak_torque_nm(), 140);
  }
}

TEST_F(DynamometerEndToEnd, RefusedRequestsNameTheFieldAndStoreNothing) {
  ASSERT_TRUE(stack_.start_sim()) << stack_.logs();
  ASSERT_TRUE(stack_.start_plugin()) << stack_.logs();
  auto stub = stack_.dynamometer_stub();
  auto eccentric90 = [] {
    auto req = base_request();
    auto* s = req.mutable_custom()->add_series();
    s->set_leg(v1::LEG_LEFT);
    s->set_mode(v1::DYNAMOMETER_MODE_ISOKINETIC_ECCENTRIC);
    s->set_reps(3);
    s->set_speed_deg_s(90);
    return req;
  };
  struct Case {
    v1::StartDynamometerTestRequest req;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({eccentric90(), "confirm_fast_motor_speeds"});
  {
    auto req = standard_request();
    req.set_return_speed_deg_s(90);
    cases.push_back({req, "confirm_fast_motor_speeds"});
  }
  {
    auto req = standard_request();
    req.set_body_mass_kg(10);
    cases.push_back({req, "body_mass_kg"});
  }
  {
    auto req = standard_request();
    req.clear_right_range();
    cases.push_back({req, "right_range"});
  }
  {
    auto req = standard_request();
    req.mutable_left_range()->set_max_deg(80);  // the machine stops at 60 deg
    cases.push_back({req, "left_range.max_deg"});
  }
  for (const auto& c : cases) {
    grpc::ClientContext ctx;
    v1::StartDynamometerTestResponse resp;
    auto status = stub->StartTest(&ctx, c.req, &resp);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(status.error_message().rfind(c.field + ":", 0), 0u)
        << "message should start with the field: " << status.error_message();
  }
  // Confirmed, the same 90 deg/s eccentric series is accepted.
  auto confirmed = eccentric90();
  confirmed.set_confirm_fast_motor_speeds(true);
  grpc::ClientContext ok_ctx;
  v1::StartDynamometerTestResponse ok_resp;
  const auto ok_status = stub->StartTest(&ok_ctx, confirmed, &ok_resp);
  ASSERT_TRUE(ok_status.ok()) << ok_status.error_message();
  grpc::ClientContext stop_ctx;
  v1::StopDynamometerTestRequest stop;
  stop.set_session_id(ok_resp.session_id());
  v1::StopDynamometerTestResponse stopped;
  EXPECT_TRUE(stub->StopTest(&stop_ctx, stop, &stopped).ok());
  const Watched w = watch(*stub, ok_resp.session_id(), 20);
  EXPECT_EQ(w.finished.end_reason(), "stopped");

  // The calf-raise API refuses to run on this machine.
  auto session = stack_.session_stub();
  grpc::ClientContext calf_ctx;
  v1::StartSetResponse calf_resp;
  auto calf = session->StartSet(&calf_ctx, demo_request("athlete-dyn"), &calf_resp);
  EXPECT_EQ(calf.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << calf.error_message();
}

}  // namespace
}  // namespace tempoload::testing
