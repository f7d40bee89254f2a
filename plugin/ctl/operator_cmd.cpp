#include "plugin/ctl/operator_cmd.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "plugin/ctl/remote_channel.hpp"
#include "tempoload/v1/operator.grpc.pb.h"

namespace tempoload::ctl {
namespace {

namespace v1 = tempoload::v1;

struct OperatorArgs {
  RemoteArgs remote;
  std::string from, to, session, what = "sessions", format = "csv", output;
  bool active_only = false, zero = false, clear_range = false;
  unsigned limit = 0;
  std::vector<double> range;  // bottom top [m]
};

std::unique_ptr<v1::Operator::Stub> stub(const OperatorArgs& a) {
  return v1::Operator::NewStub(remote_channel(a.remote));
}

std::string fmt(const char* format, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

void print_calibration(const v1::Calibration& c) {
  std::cout << fmt("load-cell offsets: L %.1f N, R %.1f N (zeroed %s by %s)\n",
                   c.force_offset_left_n(), c.force_offset_right_n(),
                   utc_text(c.zeroed_at_unix_ms()).c_str(),
                   c.zeroed_by().empty() ? "-" : c.zeroed_by().c_str());
  if (c.has_range_limits())
    std::cout << fmt("range limits: %.3f-%.3f m (set %s by %s)\n", c.range_limits().bottom_m(),
                     c.range_limits().top_m(), utc_text(c.range_set_at_unix_ms()).c_str(),
                     c.range_set_by().c_str());
  else
    std::cout << "range limits: none (the machine's full travel)\n";
}

int status(const OperatorArgs& a) {
  v1::MachineStatus s;
  if (auto st = stub(a)->GetMachineStatus(remote_context(a.remote).get(), {}, &s); !st.ok())
    return remote_error("GetMachineStatus", st);
  if (a.remote.json) {
    std::cout << to_json(s) << "\n";
    return 0;
  }
  std::cout << fmt("machine %s (%s, %s): %s, status 0x%04x%s%s%s%s\n", s.machine_id().c_str(),
                   s.machine_model().c_str(), s.machine_kind().c_str(),
                   s.connected() ? "connected" : "NOT RESPONDING", s.status_word(),
                   s.ready() ? " ready" : "", s.estop() ? " E-STOP" : "",
                   s.drive_fault() ? " DRIVE-FAULT" : "", s.watchdog_tripped() ? " WATCHDOG" : "");
  std::cout << "set: " << (s.set_running() ? "running, session " + s.session_id() : "none") << "\n";
  std::cout << fmt(
      "loop: %llu cycles, %llu deadline misses, %llu comms errors, %llu reconnects%s\n",
      static_cast<unsigned long long>(s.loop_cycles()),
      static_cast<unsigned long long>(s.deadline_misses()),
      static_cast<unsigned long long>(s.comms_errors()),
      static_cast<unsigned long long>(s.reconnects()), s.realtime() ? ", SCHED_FIFO" : "");
  std::cout << fmt("outbox: %u pending, %u rejected; up %.0f s\n", s.outbox_pending(),
                   s.outbox_rejected(), s.uptime_s());
  std::cout << fmt("load cells now (raw): L %.1f N, R %.1f N\n", s.force_left_n(),
                   s.force_right_n());
  print_calibration(s.calibration());
  const auto& v = s.versions();
  std::cout << "plugin " << v.plugin_version() << ", API " << v.api_version() << ", map "
            << v.map_model() << " " << v.map_version() << ", schema " << v.schema_version() << "\n";
  for (const auto& f : s.active_faults())
    std::cout << "ACTIVE FAULT " << f.code() << " since " << utc_text(f.started_at_unix_ms())
              << ": " << f.message() << "\n";
  return 0;
}

int versions(const OperatorArgs& a) {
  v1::Versions v;
  if (auto st = stub(a)->GetVersions(remote_context(a.remote).get(), {}, &v); !st.ok())
    return remote_error("GetVersions", st);
  if (a.remote.json) {
    std::cout << to_json(v) << "\n";
    return 0;
  }
  std::cout << "plugin " << v.plugin_version() << "\napi " << v.api_version() << "\nmap "
            << v.map_model() << " " << v.map_version() << " (" << v.map_kind() << ")\nschema "
            << v.schema_version() << "\n";
  return 0;
}

int usage(const OperatorArgs& a) {
  v1::GetUsageRequest req;
  req.set_from_unix_ms(parse_day_ms("--from", a.from));
  req.set_to_unix_ms(a.to.empty() ? 0 : parse_day_ms("--to", a.to) + 86'400'000);
  v1::GetUsageResponse resp;
  if (auto st = stub(a)->GetUsage(remote_context(a.remote).get(), req, &resp); !st.ok())
    return remote_error("GetUsage", st);
  if (a.remote.json) {
    std::cout << to_json(resp) << "\n";
    return 0;
  }
  std::cout << fmt("%-10s %8s %10s %6s %12s\n", "day", "sessions", "loaded min", "users",
                   "reps cnt/att");
  for (const auto& d : resp.days())
    std::cout << fmt("%-10s %8u %10.1f %6u %5u/%-6u\n", d.day().c_str(), d.sessions(),
                     d.loaded_minutes(), d.distinct_users(), d.reps_counted(), d.reps_attempted());
  std::cout << fmt("total: %u sessions, %.1f min under load, %u distinct users\n", resp.sessions(),
                   resp.loaded_minutes(), resp.distinct_users());
  return 0;
}

int faults(const OperatorArgs& a) {
  v1::ListFaultsRequest req;
  req.set_from_unix_ms(parse_day_ms("--from", a.from));
  req.set_to_unix_ms(a.to.empty() ? 0 : parse_day_ms("--to", a.to) + 86'400'000);
  req.set_active_only(a.active_only);
  req.set_limit(a.limit);
  v1::ListFaultsResponse resp;
  if (auto st = stub(a)->ListFaults(remote_context(a.remote).get(), req, &resp); !st.ok())
    return remote_error("ListFaults", st);
  if (a.remote.json) {
    std::cout << to_json(resp) << "\n";
    return 0;
  }
  std::cout << fmt("%-12s %-20s %-20s %10s  %s\n", "code", "started", "cleared", "duration s",
                   "message");
  for (const auto& f : resp.faults())
    std::cout << fmt("%-12s %-20s %-20s %10.1f  ", f.code().c_str(),
                     utc_text(f.started_at_unix_ms()).c_str(),
                     f.cleared_at_unix_ms() ? utc_text(f.cleared_at_unix_ms()).c_str() : "ACTIVE",
                     f.duration_s())
              << f.message() << "\n";
  std::cout << resp.faults_size() << " fault(s)\n";
  return 0;
}

int calibrate(const OperatorArgs& a) {
  v1::CalibrateRequest req;
  req.set_zero_load_cells(a.zero);
  req.set_clear_range_limits(a.clear_range);
  if (!a.range.empty()) {
    req.mutable_range_limits()->set_bottom_m(a.range[0]);
    req.mutable_range_limits()->set_top_m(a.range[1]);
  }
  v1::CalibrateResponse resp;
  if (auto st = stub(a)->Calibrate(remote_context(a.remote).get(), req, &resp); !st.ok())
    return remote_error("Calibrate", st);
  if (a.remote.json) {
    std::cout << to_json(resp) << "\n";
    return 0;
  }
  print_calibration(resp.calibration());
  return 0;
}

int export_data(const OperatorArgs& a) {
  v1::ExportRequest req;
  req.set_kind(a.what == "reps"    ? v1::EXPORT_KIND_REPS
               : a.what == "usage" ? v1::EXPORT_KIND_USAGE
                                   : v1::EXPORT_KIND_SESSIONS);
  req.set_format(a.format == "json" ? v1::EXPORT_FORMAT_JSON : v1::EXPORT_FORMAT_CSV);
  req.set_session_id(a.session);
  req.set_from_unix_ms(parse_day_ms("--from", a.from));
  req.set_to_unix_ms(a.to.empty() ? 0 : parse_day_ms("--to", a.to) + 86'400'000);
  std::ofstream file;
  if (!a.output.empty()) {
    file.open(a.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "--output: cannot write '" << a.output << "'\n";
      return kRemoteUsage;
    }
  }
  std::ostream& out = a.output.empty() ? std::cout : file;
  auto ctx = remote_context(a.remote);
  auto reader = stub(a)->Export(ctx.get(), req);
  v1::ExportChunk chunk;
  while (reader->Read(&chunk)) out << chunk.data();
  if (auto st = reader->Finish(); !st.ok()) return remote_error("Export", st);
  return 0;
}

}  // namespace

CtlCommand add_operator_command(CLI::App& app) {
  auto a = std::make_shared<OperatorArgs>();
  auto* op = app.add_subcommand(
      "operator", "machine status, usage, faults, calibration, versions and export (gRPC)");
  op->require_subcommand(1);
  std::vector<std::pair<CLI::App*, int (*)(const OperatorArgs&)>> subs;
  auto sub = [&](const char* name, const char* help, int (*fn)(const OperatorArgs&)) {
    auto* c = op->add_subcommand(name, help);
    add_remote_options(c, a->remote);
    subs.emplace_back(c, fn);
    return c;
  };
  sub("status", "connection, status bits, running set, loop counters, outbox, calibration", status);
  sub("versions", "plugin, API, register map and schema versions", versions);
  auto* us = sub("usage", "per day: sessions, loaded minutes, distinct users, reps", usage);
  auto* fa = sub("faults", "the fault log with durations, newest first", faults);
  for (auto* c : {us, fa}) {
    c->add_option("--from", a->from, "first day, YYYY-MM-DD (UTC; default 30 days ago)");
    c->add_option("--to", a->to, "last day, YYYY-MM-DD (UTC), inclusive (default today)");
  }
  fa->add_flag("--active", a->active_only, "only faults not cleared yet");
  fa->add_option("--limit", a->limit, "at most this many, 1..1000 (default 100)");
  auto* ca =
      sub("calibrate", "zero the load cells and/or set the range allowed to athletes", calibrate);
  ca->add_flag("--zero", a->zero, "zero the load cells (nobody on the platform)");
  ca->add_option("--range", a->range, "range limits BOTTOM TOP [m]")->expected(2);
  ca->add_flag("--clear-range", a->clear_range, "back to the machine's full travel");
  auto* ex = sub("export", "sessions, reps (host only) or daily usage as CSV or JSON", export_data);
  ex->add_option("--what", a->what, "sessions, reps or usage")
      ->check(CLI::IsMember({"sessions", "reps", "usage"}))
      ->capture_default_str();
  ex->add_option("--format", a->format, "csv or json")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  ex->add_option("--session", a->session, "only this session (sessions, reps)");
  ex->add_option("--from", a->from, "usage: first day, YYYY-MM-DD");
  ex->add_option("--to", a->to, "usage: last day, YYYY-MM-DD, inclusive");
  ex->add_option("--output", a->output, "write to this file instead of stdout");

  return {op, [a, subs] {
            try {
              for (const auto& [cmd, fn] : subs)
                if (*cmd) return fn(*a);
            } catch (const std::invalid_argument& e) {
              std::cerr << "tempoloadctl operator: " << e.what() << "\n";
              return kRemoteUsage;
            }
            return kRemoteUsage;
          }};
}

}  // namespace tempoload::ctl
