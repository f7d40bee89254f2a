// tempoloadctl: command-line client for the plugin and the gym server.
// Exit codes: plugin/ctl/exit_codes.hpp (0 ok, 1 usage, 2 refused, 3 not found, 4 unreachable,
// 5 other error, 6 the set ended by a fault).
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "plugin/ctl/coach_cmd.hpp"
#include "plugin/ctl/dynamometer_cmd.hpp"
#include "plugin/ctl/operator_cmd.hpp"
#include "plugin/ctl/dynamometer_table.hpp"
#include "plugin/ctl/exit_codes.hpp"
#include "plugin/ctl/remote_channel.hpp"
#include "plugin/ctl/report_table.hpp"
#include "plugin/ctl/session_watch.hpp"
#include "plugin/ctl/start_cmd.hpp"
#include "plugin/ctl/storage_cmd.hpp"
#include "plugin/ctl/token_cmd.hpp"
#include "plugin/http/http_client.hpp"
#include "tempoload/v1/guided_session.grpc.pb.h"

namespace v1 = tempoload::v1;
namespace ctl = tempoload::ctl;

namespace {

using ctl::kExitFailed;
using ctl::kExitSetFault;
using ctl::kExitUnreachable;
using ctl::kExitUsage;


int rpc_error(const char* what, const grpc::Status& s) { return ctl::remote_error(what, s); }

struct RunSetArgs {
  std::string plugin = "127.0.0.1:50051";
  std::string athlete;
  unsigned reps = 6;
  double load_n = 0;
  double concentric_s = 3, top_pause_s = 0, eccentric_s = 3.5, bottom_pause_s = 1;
  double eccentric_min_s = 3, eccentric_max_s = 5;
  double range_bottom_m = -1, range_top_m = -1;
  bool json = false;
};

int run_set(const RunSetArgs& a) {
  auto stub = v1::GuidedSession::NewStub(
      grpc::CreateChannel(a.plugin, grpc::InsecureChannelCredentials()));
  v1::StartSetRequest req;
  req.set_athlete_id(a.athlete);
  auto* set = req.mutable_set();
  set->set_reps(a.reps);
  set->set_load_n(a.load_n);
  auto* t = set->mutable_tempo();
  t->set_concentric_s(a.concentric_s);
  t->set_top_pause_s(a.top_pause_s);
  t->set_eccentric_s(a.eccentric_s);
  t->set_bottom_pause_s(a.bottom_pause_s);
  t->set_eccentric_min_s(a.eccentric_min_s);
  t->set_eccentric_max_s(a.eccentric_max_s);
  if (a.range_top_m >= 0) {
    req.mutable_range()->set_bottom_m(std::max(0.0, a.range_bottom_m));
    req.mutable_range()->set_top_m(a.range_top_m);
  }
  v1::StartSetResponse started;
  grpc::ClientContext start_ctx;
  start_ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (auto s = stub->StartSet(&start_ctx, req, &started); !s.ok()) return rpc_error("StartSet", s);

  const bool tty = isatty(STDOUT_FILENO) && !a.json;
  if (!a.json) {
    std::cout << "session " << started.session_id() << ": " << a.reps << " reps at "
              << a.load_n << " N, " << a.concentric_s << " s up, " << a.eccentric_s
              << " s down (counted when lowering takes " << a.eccentric_min_s << "-"
              << a.eccentric_max_s << " s)\n\n";
    ctl::print_rep_header(std::cout);
  }
  ctl::WatchOptions wo;
  wo.live = tty;
  wo.tick_rate_hz = tty ? 10 : 1;
  auto watched = ctl::watch_session(*stub, started.session_id(), wo);
  if (!watched.status.ok()) return rpc_error("WatchSession", watched.status);
  if (!watched.have_finished) {
    std::cerr << "the stream ended without the set's result\n";
    return kExitFailed;
  }
  const bool faulted = watched.faulted;
  const v1::SetReport& finished = watched.finished;
  if (a.json) {
    std::cout << ctl::to_json(finished) << "\n";
  } else {
    std::cout << "\n";
    ctl::print_summary(std::cout, finished);
    std::cout << "session id: " << started.session_id() << "\n";
  }
  return faulted ? kExitSetFault : 0;
}

int show_report(const std::string& plugin, const std::string& session_id, bool json) {
  auto stub = v1::GuidedSession::NewStub(
      grpc::CreateChannel(plugin, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::GetSessionReportRequest req;
  req.set_session_id(session_id);
  v1::SessionReport report;
  if (auto s = stub->GetSessionReport(&ctx, req, &report); !s.ok())
    return rpc_error("GetSessionReport", s);
  if (json) {
    std::cout << ctl::to_json(report) << "\n";
    return 0;
  }
  std::cout << "session " << report.session_id() << ", athlete " << report.athlete_id()
            << ", machine " << report.machine_id() << " (" << report.machine_model() << ")\n\n";
  for (const auto& set : report.sets()) ctl::print_set(std::cout, set);
  if (report.has_dynamometer_test())
    ctl::print_dynamometer_results(std::cout, report.dynamometer_test());
  return 0;
}

// Follows a session (running, or finished: its result) until its set ends.
int watch(const std::string& plugin, const std::string& session_id, bool json) {
  auto stub = v1::GuidedSession::NewStub(
      grpc::CreateChannel(plugin, grpc::InsecureChannelCredentials()));
  ctl::WatchOptions wo;
  wo.json = json;
  wo.live = !json && isatty(STDOUT_FILENO);
  wo.tick_rate_hz = json ? 2 : 10;
  auto watched = ctl::watch_session(*stub, session_id, wo);
  if (!watched.status.ok()) return rpc_error("WatchSession", watched.status);
  if (!watched.have_finished) {
    std::cerr << "the stream ended without the set's result\n";
    return kExitFailed;
  }
  if (!json) {
    std::cout << "\n";
    ctl::print_summary(std::cout, watched.finished);
  }
  return watched.faulted ? kExitSetFault : 0;
}

int gym_sessions(const std::string& gym_url, bool json) {
  tempoload::http::HttpClient client(gym_url);
  auto r = client.get("/api/v1/sessions");
  if (!r.ok) {
    std::cerr << "gym server " << gym_url << ": " << r.error << "\n";
    return kExitUnreachable;
  }
  if (r.response.status != 200) {
    std::cerr << "gym server " << gym_url << ": "
              << (r.ok ? "HTTP " + std::to_string(r.response.status) + " " + r.response.body
                       : r.error)
              << "\n";
    return kExitFailed;
  }
  if (json) {
    std::cout << r.response.body << "\n";
    return 0;
  }
  nlohmann::json list;
  try {
    list = nlohmann::json::parse(r.response.body).at("sessions");
  } catch (const std::exception& e) {
    std::cerr << "gym server " << gym_url << ": unexpected reply: " << e.what() << "\n";
    return kExitFailed;
  }
  std::cout << "gym server " << gym_url << " holds " << list.size() << " session(s):\n";
  for (const auto& s : list)
    std::cout << "  " << s.value("session_id", "?") << "  athlete " << s.value("athlete_id", "?")
              << "  machine " << s.value("machine_id", "?") << "  reps counted "
              << s.value("reps_counted", 0) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tempoloadctl: run and inspect tempoload sessions"};
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 ok, 1 usage, 2 refused (invalid, permission, authentication, precondition),\n"
      "3 not found, 4 unreachable, 5 other error, 6 the set or test ended by a fault.");

  RunSetArgs rs;
  auto* run = app.add_subcommand("run-set", "run a guided set on the machine and show each rep");
  run->add_option("--plugin", rs.plugin, "plugin gRPC address")->capture_default_str();
  run->add_option("--athlete", rs.athlete, "athlete id")->required();
  run->add_option("--reps", rs.reps, "reps to count")->capture_default_str();
  run->add_option("--load", rs.load_n, "resistance [N]")->required();
  run->add_option("--up", rs.concentric_s, "lifting time [s]")->capture_default_str();
  run->add_option("--top-pause", rs.top_pause_s, "pause at the top [s]")->capture_default_str();
  run->add_option("--down", rs.eccentric_s, "target lowering time [s]")->capture_default_str();
  run->add_option("--bottom-pause", rs.bottom_pause_s, "pause at the bottom [s]")
      ->capture_default_str();
  run->add_option("--down-min", rs.eccentric_min_s, "fastest lowering that counts [s]")
      ->capture_default_str();
  run->add_option("--down-max", rs.eccentric_max_s, "slowest lowering that counts [s]")
      ->capture_default_str();
  run->add_option("--range-bottom", rs.range_bottom_m, "calibrated bottom of the range [m]");
  run->add_option("--range-top", rs.range_top_m, "calibrated top of the range [m]");
  run->add_flag("--json", rs.json, "print the set's result as JSON");

  std::string plugin = "127.0.0.1:50051", session_id, gym_url = "http://127.0.0.1:8080";
  bool json = false;
  auto* report = app.add_subcommand("report", "show a stored session's reps and summary");
  report->add_option("--plugin", plugin, "plugin gRPC address")->capture_default_str();
  report->add_option("--session", session_id, "session id")->required();
  report->add_flag("--json", json, "JSON output");

  auto* watch_cmd = app.add_subcommand(
      "watch", "follow a live session: status line, reps, cues, faults, summary");
  watch_cmd->add_option("--plugin", plugin, "plugin gRPC address")->capture_default_str();
  watch_cmd->add_option("--session", session_id, "session id (StartSet's answer)")->required();
  watch_cmd->add_flag("--json", json, "one JSON object per guidance event (NDJSON)");

  auto* gym = app.add_subcommand("gym-sessions", "list the sessions a gym server received");
  gym->add_option("--gym", gym_url, "gym server base URL")->capture_default_str();
  gym->add_flag("--json", json, "JSON output");

  const auto start = ctl::add_start_command(app);  // any protocol (issue 3)
  const auto dyn = ctl::add_dynamometer_command(app);
  const auto storage = ctl::add_storage_commands(app);  // outbox, usage, export, prescription
  const auto token_commands = ctl::add_token_commands(app);
  const auto remote_commands = {ctl::add_coach_command(app), ctl::add_operator_command(app)};

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help or the error
    return code == 0 ? ctl::kExitOk : kExitUsage;
  }
  try {
    if (*run) return run_set(rs);
    if (*report) return show_report(plugin, session_id, json);
    if (*gym) return gym_sessions(gym_url, json);
    if (*watch_cmd) return watch(plugin, session_id, json);
    if (*start.subcommand) return start.run();
    if (*dyn.subcommand) return dyn.run();
    for (const auto& c : storage)
      if (*c.subcommand) return c.run();
    for (const auto& c : token_commands)
      if (*c.subcommand) return c.run();
    for (const auto& c : remote_commands)  // exit codes: docs/coach-operator.md
      if (*c.subcommand) return c.run();
  } catch (const std::invalid_argument& e) {  // a bad option value, named by the command
    std::cerr << "tempoloadctl: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "tempoloadctl: " << e.what() << "\n";
    return kExitFailed;
  }
  return kExitUsage;
}
