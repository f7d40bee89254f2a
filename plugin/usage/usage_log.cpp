#include "plugin/usage/usage_log.hpp"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <ctime>
#include <set>

#include "plugin/storage/report_queries.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

constexpr int kMaxPeriodsPerFault = 400;  // a fault longer than this many periods is cut short

// Per-athlete rows for sessions that started in [from, to).
std::vector<v1::AthleteUsage> athletes_between(Database& db, std::int64_t from, std::int64_t to) {
  auto s = db.prepare(
      "SELECT s.athlete_id, COUNT(*), SUM(s.loaded_ms), "
      "SUM((SELECT COUNT(*) FROM reps r WHERE r.session_id = s.session_id AND r.counted)), "
      "SUM((SELECT COUNT(*) FROM reps r WHERE r.session_id = s.session_id)) "
      "FROM sessions s WHERE s.started_at_unix_ms >= ? AND s.started_at_unix_ms < ? "
      "GROUP BY s.athlete_id ORDER BY s.athlete_id");
  s.bind(1, from).bind(2, to);
  std::vector<v1::AthleteUsage> out;
  while (s.step()) {
    v1::AthleteUsage a;
    a.set_athlete_id(s.text(0));
    a.set_sessions(static_cast<std::uint32_t>(s.int64(1)));
    a.set_loaded_s(static_cast<double>(s.int64(2)) / 1000.0);
    a.set_reps_counted(static_cast<std::uint32_t>(s.int64(3)));
    a.set_reps_attempted(static_cast<std::uint32_t>(s.int64(4)));
    out.push_back(std::move(a));
  }
  return out;
}

std::int64_t floor_to(std::int64_t t, std::int64_t period) {
  return t - ((t % period) + period) % period;
}

}  // namespace

std::string iso_utc(std::int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(floor_to(unix_ms, 1000) / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string usage_report_id(const std::string& machine_id, std::int64_t period_start) {
  return "usage-" + machine_id + "-" + iso_utc(period_start);
}

v1::UsageReport build_usage_report(Database& db, const std::string& machine_id,
                                   const std::string& machine_model, std::int64_t from,
                                   std::int64_t to, std::int64_t now) {
  v1::UsageReport r;
  r.set_report_id(usage_report_id(machine_id, from));
  r.set_machine_id(machine_id);
  r.set_machine_model(machine_model);
  r.set_period_start_unix_ms(from);
  r.set_period_end_unix_ms(to);
  std::uint32_t sessions = 0, cycles = 0;
  double loaded_s = 0;
  for (auto& a : athletes_between(db, from, to)) {
    sessions += a.sessions();
    cycles += a.reps_attempted();
    loaded_s += a.loaded_s();
    *r.add_athletes() = std::move(a);
  }
  r.set_sessions(sessions);
  r.set_machine_cycles(cycles);
  r.set_loaded_s(loaded_s);
  auto total = db.prepare("SELECT COUNT(*) FROM reps");
  total.step();
  r.set_machine_cycles_total(static_cast<std::uint64_t>(total.int64(0)));
  for (auto& f : faults_between(db, from, to, now)) *r.add_faults() = std::move(f);
  return r;
}

std::vector<DailyAthleteUsage> daily_usage(Database& db, std::int64_t from, std::int64_t to) {
  std::vector<DailyAthleteUsage> out;
  auto days = db.prepare(
      "SELECT DISTINCT (started_at_unix_ms / 86400000) * 86400000 AS day FROM sessions WHERE "
      "started_at_unix_ms >= ? AND started_at_unix_ms < ? ORDER BY day");
  days.bind(1, from).bind(2, to);
  std::vector<std::int64_t> starts;
  while (days.step()) starts.push_back(days.int64(0));
  for (std::int64_t day : starts)
    for (auto& a : athletes_between(db, day, day + kDayMs))
      out.push_back({iso_utc(day).substr(0, 10), std::move(a)});
  return out;
}

int queue_finished_usage_periods(SessionStore& store, const std::string& machine_id,
                                 const std::string& machine_model, std::int64_t period_ms,
                                 std::int64_t now) {
  return store.with_db([&](Database& db) {
    std::set<std::int64_t> periods;
    auto sessions = db.prepare("SELECT DISTINCT (started_at_unix_ms / ?1) * ?1 FROM sessions");
    sessions.bind(1, period_ms);
    while (sessions.step()) periods.insert(sessions.int64(0));
    auto faults = db.prepare("SELECT at_unix_ms, COALESCE(cleared_at_unix_ms, ?) FROM faults");
    faults.bind(1, now);
    while (faults.step()) {
      const std::int64_t first = floor_to(faults.int64(0), period_ms);
      for (int i = 0; i < kMaxPeriodsPerFault && first + i * period_ms <= faults.int64(1); ++i)
        periods.insert(first + i * period_ms);
    }
    auto running =
        db.prepare("SELECT MIN(started_at_unix_ms) FROM sessions WHERE status = 'running'");
    running.step();
    const std::int64_t oldest_running = running.is_null(0) ? now : std::min(now, running.int64(0));

    int queued = 0;
    google::protobuf::util::JsonPrintOptions opts;
    opts.always_print_primitive_fields = true;
    for (std::int64_t start : periods) {
      const std::int64_t end = start + period_ms;
      if (end > now || end > oldest_running) break;  // not over, or a session still running
      const std::string key = usage_report_id(machine_id, start);
      auto exists = db.prepare("SELECT EXISTS(SELECT 1 FROM outbox WHERE idempotency_key = ?)");
      exists.bind(1, key);
      exists.step();
      if (exists.int64(0) != 0) continue;
      const auto report = build_usage_report(db, machine_id, machine_model, start, end, now);
      std::string json;
      if (!google::protobuf::util::MessageToJsonString(report, &json, opts).ok()) continue;
      if (outbox_enqueue(db, kKindUsageReport, key, json, now)) ++queued;
    }
    return queued;
  });
}

}  // namespace tempoload::plugin
