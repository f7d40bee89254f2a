#include "plugin/ctl/start_cmd.hpp"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "plugin/ctl/exit_codes.hpp"
#include "plugin/ctl/remote_channel.hpp"
#include "plugin/ctl/report_table.hpp"
#include "tempoload/v1/guided_session.grpc.pb.h"

namespace tempoload::ctl {
namespace v1 = tempoload::v1;
namespace {

struct StartArgs {
  std::string plugin = "127.0.0.1:50051";
  std::string request_file;
  std::string athlete;  // overrides the file's athlete_id
  bool json = false;
};

std::string json_of(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions o;
  o.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, o);
  return out;
}

// One line per result, for a person watching.
void print_event(const v1::GuidanceEvent& ev) {
  if (ev.has_rep()) {
    const auto& r = ev.rep();
    std::printf("  rep %2u  %-28s %s\n", r.index(),
                v1::RepVerdict_Name(r.verdict()).c_str() + sizeof("REP_VERDICT_") - 1,
                r.cue().c_str());
  } else if (ev.has_set_finished()) {
    const auto& s = ev.set_finished();
    std::printf("set %u: %u of %u reps counted, %s\n", s.set_index(), s.summary().reps_counted(),
                s.summary().reps_attempted(), s.summary().end_reason().c_str());
  } else if (ev.has_hold()) {
    const auto& h = ev.hold();
    std::printf("hold %u: %.1f s in band (%.0f%%), mean %.0f N: %s\n", h.index(),
                h.time_in_band_s(), h.in_band_fraction() * 100, h.mean_force_n(),
                h.counted() ? "counted" : (h.started() ? "not counted" : "missed"));
  } else if (ev.has_mvic_effort()) {
    const auto& e = ev.mvic_effort();
    std::printf("effort %u: best 1 s %.0f N, peak %.0f N, RFD 0-100 ms %.0f N/s\n", e.index(),
                e.best_window_mean_n(), e.peak_n(), e.rfd_0_100_nps());
  } else if (ev.has_rm_attempt()) {
    const auto& a = ev.rm_attempt();
    std::printf("attempt %u: %u reps at %.0f N (%s)\n", a.index(), a.reps_counted(), a.load_n(),
                a.end_reason().c_str());
  } else if (ev.has_heel_rise_rep()) {
    const auto& r = ev.heel_rise_rep();
    std::printf("  %s rep %2u: %.1f cm, %.1f J\n", r.leg() == v1::LEG_RIGHT ? "right" : "left",
                r.index(), r.height_m() * 100, r.work_j());
  } else if (ev.has_cue()) {
    std::printf("cue: %s\n", ev.cue().c_str());
  } else if (ev.has_fault()) {
    std::printf("FAULT %s: %s\n", ev.fault().code().c_str(), ev.fault().message().c_str());
  }
  std::fflush(stdout);
}

// The protocol's own report, or the sets'.
void print_result(const v1::SessionReport& r) {
  std::cout << "\n";
  if (r.has_isometric()) {
    std::cout << "isometric holds: " << r.isometric().holds_counted() << " of "
              << r.isometric().holds_size() << " counted\n"
              << json_of(r.isometric()) << "\n";
  } else if (r.has_mvic_test()) {
    std::cout << "MVIC " << r.mvic_test().mvic_n() << " N\n" << json_of(r.mvic_test()) << "\n";
  } else if (r.has_rm_test()) {
    std::cout << "RM test: " << r.rm_test().how() << "\n" << json_of(r.rm_test()) << "\n";
  } else if (r.has_heel_rise_test()) {
    std::cout << json_of(r.heel_rise_test()) << "\n";
  } else {
    for (const auto& set : r.sets()) print_set(std::cout, set);
  }
  std::cout << "session id: " << r.session_id() << "\n";
}

int start(const StartArgs& a) {
  std::ifstream in(a.request_file);
  if (!in) {
    std::cerr << "--request: cannot read '" << a.request_file << "'\n";
    return kExitUsage;
  }
  std::stringstream text;
  text << in.rdbuf();
  v1::StartSetRequest req;
  if (auto s = google::protobuf::util::JsonStringToMessage(text.str(), &req); !s.ok()) {
    std::cerr << "--request: '" << a.request_file << "' is not a StartSetRequest: " << s.ToString()
              << "\n";
    return kExitUsage;
  }
  if (!a.athlete.empty()) req.set_athlete_id(a.athlete);
  auto stub =
      v1::GuidedSession::NewStub(grpc::CreateChannel(a.plugin, grpc::InsecureChannelCredentials()));
  v1::StartSetResponse started;
  grpc::ClientContext start_ctx;
  start_ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (auto s = stub->StartSet(&start_ctx, req, &started); !s.ok())
    return remote_error("StartSet", s);
  if (!a.json) std::cout << "session " << started.session_id() << " started\n";

  grpc::ClientContext ctx;
  v1::WatchSessionRequest wreq;
  wreq.set_session_id(started.session_id());
  wreq.set_tick_rate_hz(1);
  auto reader = stub->WatchSession(&ctx, wreq);
  v1::GuidanceEvent ev;
  v1::SessionReport report;
  bool finished = false, faulted = false;
  while (reader->Read(&ev)) {
    if (ev.has_fault()) faulted = true;
    if (ev.has_session_finished()) {
      report = ev.session_finished();
      finished = true;
    } else if (!a.json && !ev.has_tick()) {
      print_event(ev);
    }
  }
  if (auto s = reader->Finish(); !s.ok()) return remote_error("WatchSession", s);
  if (!finished) {
    std::cerr << "the stream ended without the session's result\n";
    return kExitFailed;
  }
  if (a.json)
    std::cout << json_of(report) << "\n";
  else
    print_result(report);
  return faulted ? kExitSetFault : kExitOk;
}

}  // namespace

StartCommand add_start_command(CLI::App& app) {
  auto args = std::make_shared<StartArgs>();
  auto* sub = app.add_subcommand(
      "start", "start any protocol from a StartSetRequest JSON file and follow it to its result");
  sub->add_option("--plugin", args->plugin, "plugin gRPC address")->capture_default_str();
  sub->add_option("--request", args->request_file,
                  "StartSetRequest in protobuf JSON (examples: docs/requests/)")
      ->required();
  sub->add_option("--athlete", args->athlete, "athlete id (overrides the file's)");
  sub->add_flag("--json", args->json, "print only the stored session report as JSON");
  return {sub, [args] { return start(*args); }};
}

}  // namespace tempoload::ctl
