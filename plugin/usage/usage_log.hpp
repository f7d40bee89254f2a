// Usage logs for operators, computed from the plugin's database: sessions, loaded time,
// reps and machine cycles per athlete and per day (or any period), and faults with durations.
// Free functions on a Database, shared by the plugin (usage reports) and tempoloadctl.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plugin/storage/session_store.hpp"
#include "tempoload/v1/usage.pb.h"

namespace tempoload::plugin {

inline constexpr std::int64_t kDayMs = 86'400'000;

// "usage-<machine_id>-<period start as 2026-11-21T00:00:00Z>": the report's idempotency key.
std::string usage_report_id(const std::string& machine_id, std::int64_t period_start_unix_ms);
std::string iso_utc(std::int64_t unix_ms);  // 2026-11-21T10:47:03Z

// Usage in [from, to): sessions that started in it, faults that overlapped it (an active one
// counted up to min(to, now)).
tempoload::v1::UsageReport build_usage_report(Database& db, const std::string& machine_id,
                                              const std::string& machine_model,
                                              std::int64_t from_unix_ms, std::int64_t to_unix_ms,
                                              std::int64_t now_unix_ms);

// Per UTC day and athlete, in [from, to), oldest day first (tempoloadctl usage).
struct DailyAthleteUsage {
  std::string day;  // 2026-11-21
  tempoload::v1::AthleteUsage usage;
};
std::vector<DailyAthleteUsage> daily_usage(Database& db, std::int64_t from_unix_ms,
                                           std::int64_t to_unix_ms);

// Queues a usage report (outbox kind usage_report) for every period of period_ms, aligned to
// the Unix epoch (UTC days by default), that is over, had activity, holds no running session
// and is not queued yet. Returns how many were queued.
int queue_finished_usage_periods(SessionStore& store, const std::string& machine_id,
                                 const std::string& machine_model, std::int64_t period_ms,
                                 std::int64_t now_unix_ms);

}  // namespace tempoload::plugin
