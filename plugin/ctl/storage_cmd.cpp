#include "plugin/ctl/storage_cmd.hpp"
#include "plugin/ctl/exit_codes.hpp"
#include "plugin/ctl/remote_channel.hpp"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "plugin/ctl/export_cmd.hpp"
#include "plugin/storage/outbox.hpp"
#include "plugin/storage/report_queries.hpp"
#include "plugin/storage/schema.hpp"
#include "plugin/usage/usage_log.hpp"
#include "tempoload/v1/sync.grpc.pb.h"

namespace tempoload::ctl {
namespace {

namespace tp = tempoload::plugin;
namespace v1 = tempoload::v1;
using nlohmann::ordered_json;


std::string when(std::int64_t unix_ms) { return unix_ms == 0 ? "-" : tp::iso_utc(unix_ms); }

// Opens a plugin database read-only and checks its schema; throws with the reason.
std::unique_ptr<tp::Database> open_read_only(const std::string& path) {
  auto db = std::make_unique<tp::Database>(path, tp::Database::Mode::kReadOnly);
  tp::require_current_schema(*db);
  return db;
}

// "2026-11-21" -> unix ms at 00:00 UTC; throws std::invalid_argument naming the flag.
std::int64_t parse_day(const std::string& flag, const std::string& day) {
  std::tm tm{};
  const char* end = strptime(day.c_str(), "%Y-%m-%d", &tm);
  if (!end || *end != '\0')
    throw std::invalid_argument(flag + ": expected YYYY-MM-DD, got '" + day + "'");
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

struct OutboxArgs {
  std::string db;
  std::string state;
  int limit = 50;
  bool json = false;
};

int show_outbox(const OutboxArgs& a) {
  auto db = open_read_only(a.db);
  const auto status = tp::outbox_status(*db);
  const auto rows = tp::outbox_list(*db, a.state, a.limit);
  if (a.json) {
    ordered_json entries = ordered_json::array();
    for (const auto& r : rows)
      entries.push_back(
          {{"id", r.id},
           {"idempotency_key", r.idempotency_key},
           {"kind", r.kind},
           {"state", r.state},
           {"attempts", r.attempts},
           {"created_at_unix_ms", r.created_at_unix_ms},
           {"last_attempt_unix_ms", r.last_attempt_unix_ms},
           {"next_attempt_unix_ms", r.state == "pending" ? r.next_attempt_unix_ms : 0},
           {"delivered_at_unix_ms", r.delivered_at_unix_ms},
           {"last_http_status", r.last_http_status},
           {"last_error", r.last_error}});
    ordered_json out{{"pending", status.pending},
                     {"delivered", status.delivered},
                     {"rejected", status.rejected},
                     {"conflict", status.conflict},
                     {"entries", std::move(entries)}};
    std::cout << out.dump(2, ' ', false, ordered_json::error_handler_t::replace) << "\n";
    return 0;
  }
  std::printf("outbox of %s: %lld pending, %lld delivered, %lld rejected, %lld conflict\n",
              a.db.c_str(), static_cast<long long>(status.pending),
              static_cast<long long>(status.delivered), static_cast<long long>(status.rejected),
              static_cast<long long>(status.conflict));
  std::printf("%6s  %-19s  %-9s  %8s  %-20s  %-20s  %4s  %s\n", "id", "kind", "state", "attempts",
              "last attempt", "next attempt", "http", "key / last error");
  for (const auto& r : rows) {
    std::printf("%6lld  %-19s  %-9s  %8d  %-20s  %-20s  %4s  %s\n", static_cast<long long>(r.id),
                r.kind.c_str(), r.state.c_str(), r.attempts, when(r.last_attempt_unix_ms).c_str(),
                r.state == "pending" ? when(r.next_attempt_unix_ms).c_str() : "-",
                r.last_http_status ? std::to_string(r.last_http_status).c_str() : "-",
                r.idempotency_key.c_str());
    if (!r.last_error.empty() && r.state != "delivered")
      std::printf("%6s  last error: %s\n", "", r.last_error.c_str());
  }
  return 0;
}

struct UsageArgs {
  std::string db;
  std::string from;  // YYYY-MM-DD, "" = beginning
  std::string to;    // YYYY-MM-DD inclusive, "" = today
  bool json = false;
};

int show_usage(const UsageArgs& a) {
  auto db = open_read_only(a.db);
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr)) * 1000;
  const std::int64_t from = a.from.empty() ? 0 : parse_day("--from", a.from);
  const std::int64_t to = a.to.empty() ? now + 1 : parse_day("--to", a.to) + tp::kDayMs;
  const auto days = tp::daily_usage(*db, from, to);
  const auto totals = tp::build_usage_report(*db, "", "", from, to, now);
  if (a.json) {
    ordered_json rows = ordered_json::array();
    for (const auto& d : days)
      rows.push_back({{"day", d.day},
                      {"athlete_id", d.usage.athlete_id()},
                      {"sessions", d.usage.sessions()},
                      {"loaded_s", d.usage.loaded_s()},
                      {"reps_counted", d.usage.reps_counted()},
                      {"reps_attempted", d.usage.reps_attempted()}});
    ordered_json faults = ordered_json::array();
    for (const auto& f : totals.faults())
      faults.push_back(
          {{"code", f.code()},
           {"session_id", f.session_id()},
           {"started_at", tp::iso_utc(f.started_at_unix_ms())},
           {"cleared_at", f.cleared_at_unix_ms() ? ordered_json(tp::iso_utc(f.cleared_at_unix_ms()))
                                                 : ordered_json(nullptr)},
           {"duration_s", f.duration_s()},
           {"message", f.message()}});
    ordered_json out{{"by_day_and_athlete", std::move(rows)},
                     {"sessions", totals.sessions()},
                     {"loaded_s", totals.loaded_s()},
                     {"machine_cycles", totals.machine_cycles()},
                     {"machine_cycles_total", totals.machine_cycles_total()},
                     {"faults", std::move(faults)}};
    std::cout << out.dump(2, ' ', false, ordered_json::error_handler_t::replace) << "\n";
    return 0;
  }
  std::printf("%-10s  %-24s  %8s  %12s  %12s  %14s\n", "day", "athlete", "sessions", "under load",
              "reps counted", "reps attempted");
  for (const auto& d : days)
    std::printf("%-10s  %-24s  %8u  %9.1f min  %12u  %14u\n", d.day.c_str(),
                d.usage.athlete_id().c_str(), d.usage.sessions(), d.usage.loaded_s() / 60.0,
                d.usage.reps_counted(), d.usage.reps_attempted());
  std::printf(
      "\ntotal: %u sessions, %.1f min under load, %u machine cycles (%llu since the "
      "database was created)\n",
      totals.sessions(), totals.loaded_s() / 60.0, totals.machine_cycles(),
      static_cast<unsigned long long>(totals.machine_cycles_total()));
  std::printf("faults: %d\n", totals.faults_size());
  for (const auto& f : totals.faults())
    std::printf("  %-12s  %s  %8.1f s%s  %s\n", f.code().c_str(),
                tp::iso_utc(f.started_at_unix_ms()).c_str(), f.duration_s(),
                f.cleared_at_unix_ms() ? "" : " (still active)", f.message().c_str());
  return 0;
}

std::string to_json(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions o;
  o.add_whitespace = true;
  o.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, o);
  return out;
}

int rpc_error(const char* what, const grpc::Status& s) { return remote_error(what, s); }

struct PrescriptionArgs {
  std::string plugin = "127.0.0.1:50051";
  std::string athlete;
  bool json = false;
  // set
  std::uint32_t base_version = 0;
  std::string by;
  unsigned reps = 6;
  double load_n = 0, up_s = 3, top_s = 0, down_s = 3.5, bottom_s = 1, down_min_s = 3,
         down_max_s = 5;
};

int get_prescription(const PrescriptionArgs& a) {
  auto stub =
      v1::Prescriptions::NewStub(grpc::CreateChannel(a.plugin, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::GetPrescriptionRequest req;
  req.set_athlete_id(a.athlete);
  v1::GetPrescriptionResponse resp;
  if (auto s = stub->GetPrescription(&ctx, req, &resp); !s.ok())
    return rpc_error("GetPrescription", s);
  if (a.json) {
    std::cout << to_json(resp) << "\n";
    return 0;
  }
  const auto& p = resp.prescription();
  const auto& t = p.set().tempo();
  std::printf("athlete %s: prescription v%u (%s)%s%s\n", p.athlete_id().c_str(), p.version(),
              v1::PrescriptionSource_Name(resp.origin().source()).c_str(),
              resp.origin().note().empty() ? "" : ": ", resp.origin().note().c_str());
  std::printf(
      "  %u reps at %.0f N, %.1f s up, %.1f s top, %.1f s down (counted %.1f-%.1f s), "
      "%.1f s bottom; by %s\n",
      p.set().reps(), p.set().load_n(), t.concentric_s(), t.top_pause_s(), t.eccentric_s(),
      t.eccentric_min_s(), t.eccentric_max_s(), t.bottom_pause_s(), p.updated_by().c_str());
  return 0;
}

int set_prescription(const PrescriptionArgs& a) {
  auto stub =
      v1::Prescriptions::NewStub(grpc::CreateChannel(a.plugin, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::UpdatePrescriptionRequest req;
  req.set_athlete_id(a.athlete);
  req.set_base_version(a.base_version);
  req.set_updated_by(a.by);
  auto* set = req.mutable_set();
  set->set_reps(a.reps);
  set->set_load_n(a.load_n);
  auto* t = set->mutable_tempo();
  t->set_concentric_s(a.up_s);
  t->set_top_pause_s(a.top_s);
  t->set_eccentric_s(a.down_s);
  t->set_bottom_pause_s(a.bottom_s);
  t->set_eccentric_min_s(a.down_min_s);
  t->set_eccentric_max_s(a.down_max_s);
  v1::UpdatePrescriptionResponse resp;
  if (auto s = stub->UpdatePrescription(&ctx, req, &resp); !s.ok())
    return rpc_error("UpdatePrescription", s);
  std::printf(
      "athlete %s: edit %s from v%u queued for the gym server; it becomes v%u when "
      "accepted\n",
      a.athlete.c_str(), resp.change_id().c_str(), a.base_version, resp.version());
  return 0;
}

}  // namespace

std::vector<CtlCommand> add_storage_commands(CLI::App& app) {
  std::vector<CtlCommand> commands;
  const auto states = CLI::IsMember({"", "pending", "delivered", "rejected", "conflict"});

  auto outbox = std::make_shared<OutboxArgs>();
  auto* ob = app.add_subcommand("outbox", "show what is queued for the gym server, per entry");
  ob->add_option("--db", outbox->db, "the plugin's database (opened read-only)")->required();
  ob->add_option("--state", outbox->state, "only entries in this state")->check(states);
  ob->add_option("--limit", outbox->limit, "newest entries shown")->capture_default_str();
  ob->add_flag("--json", outbox->json, "JSON output");
  commands.push_back({ob, [outbox] { return show_outbox(*outbox); }});

  auto usage = std::make_shared<UsageArgs>();
  auto* us = app.add_subcommand(
      "usage", "sessions, time under load and machine cycles per day and athlete; faults");
  us->add_option("--db", usage->db, "the plugin's database (opened read-only)")->required();
  us->add_option("--from", usage->from, "first day, YYYY-MM-DD (UTC)");
  us->add_option("--to", usage->to, "last day, YYYY-MM-DD (UTC), inclusive");
  us->add_flag("--json", usage->json, "JSON output");
  commands.push_back({us, [usage] { return show_usage(*usage); }});

  auto exp = std::make_shared<ExportArgs>();
  auto* ex = app.add_subcommand("export", "export sessions, reps or a set's raw samples");
  ex->add_option("--db", exp->db, "the plugin's database (opened read-only)")->required();
  ex->add_option("--session", exp->session, "session id (required for samples)");
  ex->add_option("--set", exp->set_index, "set index for samples")->capture_default_str();
  ex->add_option("--format", exp->format, "csv or json")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  ex->add_option("--what", exp->what, "sessions, reps or samples")
      ->check(CLI::IsMember({"sessions", "reps", "samples"}))
      ->capture_default_str();
  commands.push_back({ex, [exp] { return run_export(*exp, std::cout, std::cerr); }});

  auto rx = std::make_shared<PrescriptionArgs>();
  auto* pr = app.add_subcommand("prescription", "an athlete's prescription on this machine");
  pr->require_subcommand(1);
  auto* get = pr->add_subcommand("get", "the prescription the athlete would run here now");
  auto* set = pr->add_subcommand("set", "change it (sent to the gym server like a report)");
  for (auto* c : {get, set}) {
    c->add_option("--plugin", rx->plugin, "plugin gRPC address")->capture_default_str();
    c->add_option("--athlete", rx->athlete, "athlete id")->required();
  }
  get->add_flag("--json", rx->json, "JSON output");
  set->add_option("--base-version", rx->base_version, "the version you edited (0: none yet)")
      ->required();
  set->add_option("--by", rx->by, "your coach id")->required();
  set->add_option("--reps", rx->reps, "reps to count")->capture_default_str();
  set->add_option("--load", rx->load_n, "resistance [N]")->required();
  set->add_option("--up", rx->up_s, "lifting time [s]")->capture_default_str();
  set->add_option("--top-pause", rx->top_s, "pause at the top [s]")->capture_default_str();
  set->add_option("--down", rx->down_s, "target lowering time [s]")->capture_default_str();
  set->add_option("--bottom-pause", rx->bottom_s, "pause at the bottom [s]")->capture_default_str();
  set->add_option("--down-min", rx->down_min_s, "fastest lowering that counts [s]")
      ->capture_default_str();
  set->add_option("--down-max", rx->down_max_s, "slowest lowering that counts [s]")
      ->capture_default_str();
  commands.push_back(
      {pr, [rx, get] { return *get ? get_prescription(*rx) : set_prescription(*rx); }});
  return commands;
}

}  // namespace tempoload::ctl
