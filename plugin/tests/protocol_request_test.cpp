// StartSet's protocol prescriptions: defaults, refusals naming the field, the specs the loop
// gets, and the example requests in docs/requests/ (each parses and passes the checks).
#include "plugin/session/protocol_request.hpp"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "plugin/session/proto_conversion.hpp"

namespace tempoload::plugin {
namespace {

namespace v1 = tempoload::v1;
constexpr double kMaxForceN = 3000;
constexpr double kTravelM = 0.1;

v1::RangeOfMotion range(double bottom, double top) {
  v1::RangeOfMotion r;
  r.set_bottom_m(bottom);
  r.set_top_m(top);
  return r;
}

// "" when the request would be started (its protocol's checks pass).
std::string check(v1::StartSetRequest req) {
  std::string error;
  const CalfProtocol p = requested_protocol(req, error);
  if (!error.empty()) return error;
  if (!req.has_range()) *req.mutable_range() = range(0, kTravelM);
  switch (p) {
    case CalfProtocol::kTempoSets:
      if (auto e = validate(req, kMaxForceN, kTravelM); !e.empty()) return e;
      return check_plan(with_defaults(req, kTravelM).set(), kMaxForceN);
    case CalfProtocol::kIsometricHold:
      return with_defaults(*req.mutable_isometric(), req.range());
    case CalfProtocol::kMvicTest:
      return with_defaults(*req.mutable_mvic_test(), req.range());
    case CalfProtocol::kRmTest:
      return with_defaults(*req.mutable_rm_test(), kMaxForceN);
    case CalfProtocol::kHeelRiseTest:
      return with_defaults(*req.mutable_heel_rise_test(), kMaxForceN);
  }
  return "unknown protocol";
}

TEST(ProtocolRequest, IsometricDefaultsAreRio2015AndTheHoldIsMidRange) {
  v1::IsometricPrescription p;
  p.set_leg(v1::LEG_LEFT);
  ASSERT_EQ(with_defaults(p, range(0.01, 0.09)), "");
  EXPECT_EQ(p.hold_count(), 5u);
  EXPECT_EQ(p.hold_s(), 45);
  EXPECT_EQ(p.rest_s(), 120);
  EXPECT_DOUBLE_EQ(p.target_fraction(), 0.7);
  EXPECT_DOUBLE_EQ(p.band_fraction(), 0.1);
  EXPECT_DOUBLE_EQ(p.position_m(), 0.05);  // (0.01 + 0.09) / 2
  const auto spec = to_spec(p);
  EXPECT_EQ(spec.holds, 5);
  EXPECT_EQ(spec.legs, protocols::Legs::kLeft);
}

TEST(ProtocolRequest, RefusalsNameTheField) {
  v1::IsometricPrescription iso;
  iso.set_hold_s(2);
  EXPECT_EQ(with_defaults(iso, range(0, 0.09)),
            "isometric.hold_s: 2 s is outside [5, 120] s (0 = 45 s)");
  v1::IsometricPrescription far;
  far.set_position_m(0.2);
  EXPECT_EQ(with_defaults(far, range(0, 0.09)).rfind("isometric.position_m: ", 0), 0u);
  v1::MvicTestPrescription both;  // single-leg test
  EXPECT_EQ(with_defaults(both, range(0, 0.09)).rfind("mvic_test.leg: ", 0), 0u);
  v1::RmTestPrescription rm;
  rm.set_target_rm(20);
  EXPECT_EQ(with_defaults(rm, kMaxForceN).rfind("rm_test.target_rm: ", 0), 0u);
  v1::RmTestPrescription heavy;
  heavy.set_estimated_load_n(5000);
  EXPECT_EQ(with_defaults(heavy, kMaxForceN).rfind("rm_test.estimated_load_n: ", 0), 0u);
  v1::RmTestPrescription fast;
  fast.mutable_tempo()->set_concentric_s(3);
  fast.mutable_tempo()->set_eccentric_s(0.5);
  EXPECT_EQ(with_defaults(fast, kMaxForceN).rfind("rm_test.tempo: ", 0), 0u);
  v1::HeelRiseTestPrescription heel;
  heel.set_cadence_per_min(120);
  EXPECT_EQ(with_defaults(heel, kMaxForceN).rfind("heel_rise_test.cadence_per_min: ", 0), 0u);
}

TEST(ProtocolRequest, OneProtocolAtATime) {
  v1::StartSetRequest req;
  req.mutable_isometric();
  req.mutable_rm_test();
  std::string error;
  requested_protocol(req, error);
  EXPECT_EQ(error, "isometric, mvic_test, rm_test, heel_rise_test: give at most one protocol");
  v1::StartSetRequest with_set;
  with_set.mutable_set();
  with_set.mutable_heel_rise_test();
  error.clear();
  requested_protocol(with_set, error);
  EXPECT_EQ(error, "set: must be absent when heel-rise test is given");
}

TEST(ProtocolRequest, TempoSetsBecomeAPlanWithUnloadedRest) {
  v1::SetPrescription set;
  set.set_sets(4);
  set.set_reps(8);
  set.set_load_n(1600);
  set.set_rest_s(150);
  set.set_knee(v1::KNEE_BENT);
  set.set_leg(v1::LEG_RIGHT);
  const auto plan = to_plan(set);
  ASSERT_EQ(plan.sets.size(), 4u);
  EXPECT_EQ(plan.sets[3].spec.reps, 8);
  EXPECT_EQ(plan.sets[0].rest_after_s, 150);
  EXPECT_EQ(plan.sets[0].knee, protocols::Knee::kBent);
  EXPECT_EQ(plan.sets[0].legs, protocols::Legs::kRight);
  set.set_rest_s(30);  // HSR rests 2-3 min
  v1::StartSetRequest req;
  req.set_athlete_id("a");
  *req.mutable_set() = set;
  req.mutable_set()->mutable_tempo()->set_concentric_s(3);
  req.mutable_set()->mutable_tempo()->set_eccentric_s(3.5);
  EXPECT_EQ(check(req).rfind("set.rest_s: 30 s is outside", 0), 0u) << check(req);
  req.mutable_set()->set_sets(9);
  EXPECT_EQ(check(req).rfind("set.sets: must be in [1, 8]", 0), 0u) << check(req);
}

TEST(ProtocolRequest, RmTestAttemptsGoToFailureAtTheTestsTempo) {
  v1::RmTestPrescription p;
  p.set_estimated_load_n(1700);
  ASSERT_EQ(with_defaults(p, kMaxForceN), "");
  EXPECT_EQ(p.target_rm(), 6u);
  EXPECT_DOUBLE_EQ(p.max_load_n(), kMaxForceN);
  const auto spec = to_spec(p);
  EXPECT_EQ(spec.attempt.reps, 6 + protocols::kRmExtraReps);
  EXPECT_EQ(spec.attempt.tempo.concentric_s, 3);
  EXPECT_EQ(spec.attempt.idle_timeout_s, 6);
  EXPECT_DOUBLE_EQ(spec.test.estimated_load_n, 1700);
  EXPECT_DOUBLE_EQ(spec.test.start_fraction, 0.8);
}

TEST(ExampleRequests, ParseAndPassValidation) {
  for (const char* name : {"hsr_session.json", "alfredson.json", "isometric.json", "mvic_test.json",
                           "rm_test.json", "heel_rise_test.json"}) {
    SCOPED_TRACE(name);
    std::ifstream in(std::string(TEMPOLOAD_REQUESTS_DIR) + "/" + name);
    ASSERT_TRUE(in) << "missing";
    std::stringstream text;
    text << in.rdbuf();
    v1::StartSetRequest req;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(text.str(), &req).ok());
    EXPECT_EQ(check(req), "");
  }
}

}  // namespace
}  // namespace tempoload::plugin
