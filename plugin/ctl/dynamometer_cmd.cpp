#include "plugin/ctl/dynamometer_cmd.hpp"
#include "plugin/ctl/exit_codes.hpp"
#include "plugin/ctl/remote_channel.hpp"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <sstream>

#include "plugin/ctl/dynamometer_table.hpp"
#include "tempoload/v1/dynamometer.grpc.pb.h"

namespace tempoload::ctl {
namespace v1 = tempoload::v1;
namespace {

constexpr int kExitFault = ctl::kExitSetFault;

struct Args {
  std::string plugin = "127.0.0.1:50051";
  std::string athlete;
  double body_mass_kg = 0;
  std::string protocol = "standard";  // standard | eccentric | isometric | isotonic
  std::vector<double> speeds_deg_s;
  unsigned reps = 0, sets = 0;
  double lowering_s = 4;
  std::vector<std::string> legs;
  bool no_gravity = false;
  std::string left_range = "-15:35", right_range = "-15:35";
  double cushion_deg = 0;
  double rest_series_s = -1, rest_reps_s = -1;
  std::vector<double> angles_deg;
  double return_speed_deg_s = 0, torque_limit_nm = 0;
  double hold_angle_deg = 0, hold_s = 5, torque_nm = 0;
  std::string involved;
  bool confirm = false, json = false;
};

v1::Leg leg_of(const std::string& s) { return s == "right" ? v1::LEG_RIGHT : v1::LEG_LEFT; }

bool parse_range(const std::string& text, double cushion, v1::AnkleRange* out) {
  const auto colon = text.find(':', 1);
  if (colon == std::string::npos) return false;
  try {
    out->set_min_deg(std::stod(text.substr(0, colon)));
    out->set_max_deg(std::stod(text.substr(colon + 1)));
  } catch (...) {
    return false;
  }
  out->set_cushion_deg(cushion);
  return true;
}

std::string to_json(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions o;
  o.add_whitespace = true;
  o.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, o);
  return out;
}

// One series per leg for the isometric and isotonic "protocols" (custom series).
void add_custom(const Args& a, v1::StartDynamometerTestRequest& req) {
  auto* custom = req.mutable_custom();
  const std::vector<std::string> legs =
      a.legs.empty() ? std::vector<std::string>{"left", "right"} : a.legs;
  for (const auto& l : legs) {
    if (!a.no_gravity) {
      auto* g = custom->add_series();
      g->set_leg(leg_of(l));
      g->set_mode(v1::DYNAMOMETER_MODE_GRAVITY_CORRECTION);
      g->set_rest_after_s(0);
    }
    auto* s = custom->add_series();
    s->set_leg(leg_of(l));
    s->set_reps(a.reps ? a.reps : 3);
    if (a.rest_reps_s >= 0) s->set_rest_between_reps_s(a.rest_reps_s);
    if (a.rest_series_s >= 0) s->set_rest_after_s(a.rest_series_s);
    if (a.protocol == "isometric") {
      s->set_mode(v1::DYNAMOMETER_MODE_ISOMETRIC);
      s->set_hold_angle_deg(a.hold_angle_deg);
      s->set_hold_s(a.hold_s);
    } else {
      s->set_mode(v1::DYNAMOMETER_MODE_ISOTONIC);
      s->set_torque_nm(a.torque_nm);
    }
  }
}

int run(const Args& a) {
  v1::StartDynamometerTestRequest req;
  req.set_athlete_id(a.athlete);
  req.set_body_mass_kg(a.body_mass_kg);
  if (!a.involved.empty()) req.set_involved_leg(leg_of(a.involved));
  if (!parse_range(a.left_range, a.cushion_deg, req.mutable_left_range()) ||
      !parse_range(a.right_range, a.cushion_deg, req.mutable_right_range())) {
    std::cerr << "--left-range/--right-range: expected MIN:MAX in degrees, e.g. -15:35\n";
    return kExitUsage;
  }
  if (a.protocol == "standard") {
    auto* t = req.mutable_standard_test();
    for (double v : a.speeds_deg_s) t->add_speeds_deg_s(v);
    t->set_reps(a.reps);
  } else if (a.protocol == "eccentric") {
    auto* e = req.mutable_eccentric_training();
    e->set_lowering_s(a.lowering_s);
    e->set_reps(a.reps);
    e->set_sets(a.sets);
  } else {
    add_custom(a, req);
  }
  if (!req.has_custom()) {
    for (const auto& l : a.legs) req.add_legs(leg_of(l));
    req.set_gravity_correction(!a.no_gravity);
    if (a.rest_series_s >= 0) req.set_rest_between_series_s(a.rest_series_s);
    if (a.rest_reps_s >= 0) req.set_rest_between_reps_s(a.rest_reps_s);
  }
  for (double angle : a.angles_deg) req.add_set_angles_deg(angle);
  req.set_return_speed_deg_s(a.return_speed_deg_s);
  req.set_torque_limit_nm(a.torque_limit_nm);
  req.set_confirm_fast_motor_speeds(a.confirm);

  auto stub = v1::DynamometerTest::NewStub(
      grpc::CreateChannel(a.plugin, grpc::InsecureChannelCredentials()));
  v1::StartDynamometerTestResponse started;
  grpc::ClientContext start_ctx;
  start_ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (auto s = stub->StartTest(&start_ctx, req, &started); !s.ok())
    return remote_error("StartTest", s);
  if (!a.json) {
    std::cout << "session " << started.session_id() << ": dynamometer " << a.protocol << "\n\n";
    print_dynamometer_rep_header(std::cout);
  }
  grpc::ClientContext watch_ctx;
  v1::WatchDynamometerTestRequest wreq;
  wreq.set_session_id(started.session_id());
  wreq.set_tick_rate_hz(1);
  auto reader = stub->WatchTest(&watch_ctx, wreq);
  v1::DynamometerEvent ev;
  v1::DynamometerTestReport finished;
  bool have_finished = false, faulted = false;
  while (reader->Read(&ev)) {
    if (ev.has_rep() && !a.json) print_dynamometer_rep(std::cout, ev.rep());
    if (ev.has_gravity() && !a.json) print_gravity(std::cout, ev.gravity());
    if (ev.has_fault()) {
      faulted = true;
      std::cerr << "FAULT " << ev.fault().code() << ": " << ev.fault().message() << "\n";
    }
    if (ev.has_finished()) {
      finished = ev.finished();
      have_finished = true;
    }
  }
  if (auto s = reader->Finish(); !s.ok()) return remote_error("WatchTest", s);
  if (!have_finished) {
    std::cerr << "the stream ended without the session's result\n";
    return kExitFailed;
  }
  if (a.json) {
    std::cout << to_json(finished) << "\n";
  } else {
    std::cout << "\n";
    print_dynamometer_results(std::cout, finished);
    std::cout << "session id: " << started.session_id() << "\n";
  }
  return faulted || finished.end_reason() != "completed" ? kExitFault : 0;
}

}  // namespace

DynamometerCommand add_dynamometer_command(CLI::App& app) {
  auto args = std::make_shared<Args>();
  Args& a = *args;
  auto* sub = app.add_subcommand(
      "dyn-test", "run a dynamometer test or training and show its reps and results");
  sub->add_option("--plugin", a.plugin, "plugin gRPC address")->capture_default_str();
  sub->add_option("--athlete", a.athlete, "athlete id")->required();
  sub->add_option("--body-mass", a.body_mass_kg, "athlete's body mass [kg]")->required();
  sub->add_option("--protocol", a.protocol,
                  "standard (plantarflexion test), eccentric (training), isometric or isotonic")
      ->check(CLI::IsMember({"standard", "eccentric", "isometric", "isotonic"}))
      ->capture_default_str();
  sub->add_option("--speeds", a.speeds_deg_s, "standard: test speeds [deg/s]; default 60 180")
      ->delimiter(',');
  sub->add_option("--reps", a.reps, "reps per speed / set / series (0: the protocol's default)");
  sub->add_option("--sets", a.sets, "eccentric: sets per leg (0: 3)");
  sub->add_option("--lowering", a.lowering_s, "eccentric: lowering time [s], 3-5")
      ->capture_default_str();
  sub->add_option("--legs", a.legs, "legs in order, e.g. left,right")
      ->delimiter(',')
      ->check(CLI::IsMember({"left", "right"}));
  sub->add_flag("--no-gravity", a.no_gravity, "skip the gravity correction");
  sub->add_option("--left-range", a.left_range, "left leg's range MIN:MAX [deg]")
      ->capture_default_str();
  sub->add_option("--right-range", a.right_range, "right leg's range MIN:MAX [deg]")
      ->capture_default_str();
  sub->add_option("--cushion", a.cushion_deg, "deceleration zone at each end [deg] (0: 5)");
  sub->add_option("--rest-series", a.rest_series_s, "rest between series [s] (default 60)");
  sub->add_option("--rest-reps", a.rest_reps_s, "rest between reps [s] (default 0.5)");
  sub->add_option("--angles", a.angles_deg, "report torque at these angles [deg]")->delimiter(',');
  sub->add_option("--return-speed", a.return_speed_deg_s, "passive return speed [deg/s] (0: 60)");
  sub->add_option("--torque-limit", a.torque_limit_nm, "motor torque limit [N m] (0: 250)");
  sub->add_option("--hold-angle", a.hold_angle_deg, "isometric: hold angle [deg]");
  sub->add_option("--hold", a.hold_s, "isometric: hold time [s]")->capture_default_str();
  sub->add_option("--torque", a.torque_nm, "isotonic: resisting torque [N m]");
  sub->add_option("--involved", a.involved, "involved leg, for the deficit")
      ->check(CLI::IsMember({"left", "right"}));
  sub->add_flag("--confirm-fast-motor-speeds", a.confirm,
                "allow eccentric or passive speeds above 60 deg/s");
  sub->add_flag("--json", a.json, "print the results as JSON");
  return {sub, [args] { return run(*args); }};
}

}  // namespace tempoload::ctl
