#include "plugin/api/operator_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <sstream>
#include <thread>

#include "plugin/api/rpc_helpers.hpp"
#include "plugin/auth/caller_scope.hpp"
#include "plugin/session/wall_clock.hpp"
#include "plugin/storage/calibration_store.hpp"
#include "plugin/storage/export_tables.hpp"
#include "plugin/usage/usage_log.hpp"

#ifndef TEMPOLOAD_VERSION
#define TEMPOLOAD_VERSION "unknown"
#endif

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

constexpr std::int64_t kDefaultWindowMs = 30 * kDayMs;
constexpr std::int64_t kMaxUsageSpanMs = 366 * kDayMs;
constexpr double kMaxZeroOffsetN = 150;  // more means someone is on the platform
constexpr double kMinRangeSpanM = 0.02;  // range limits leave at least 2 cm of travel
constexpr std::size_t kChunkBytes = 64 * 1024;

grpc::Status invalid(std::string message) {
  return {grpc::StatusCode::INVALID_ARGUMENT, std::move(message)};
}

grpc::Status storage_error(const StoreError& e) {
  return {grpc::StatusCode::UNAVAILABLE, std::string("storage: ") + e.what()};
}

grpc::Status precondition(std::string message) {
  return {grpc::StatusCode::FAILED_PRECONDITION, std::move(message)};
}

// [from, to) with defaults: to = now, from = 30 days before to.
grpc::Status window(std::int64_t from_in, std::int64_t to_in, std::int64_t now, std::int64_t& from,
                    std::int64_t& to) {
  if (from_in < 0) return invalid("from_unix_ms: must be >= 0");
  if (to_in < 0) return invalid("to_unix_ms: must be >= 0");
  to = to_in == 0 ? now : to_in;
  from = from_in == 0 ? std::max<std::int64_t>(0, to - kDefaultWindowMs) : from_in;
  if (to <= from) return invalid("to_unix_ms: must be after from_unix_ms");
  return grpc::Status::OK;
}

// The export, chunked; a reactor that never blocks (the whole file is built first).
class ExportStream final : public grpc::ServerWriteReactor<v1::ExportChunk> {
 public:
  explicit ExportStream(std::string data) : data_(std::move(data)) { next(); }
  void OnWriteDone(bool ok) override {
    if (!ok) return Finish(grpc::Status(grpc::StatusCode::CANCELLED, "export cancelled"));
    if (chunk_.last()) return Finish(grpc::Status::OK);
    next();
  }
  void OnDone() override { delete this; }

 private:
  void next() {
    const std::size_t n = std::min(kChunkBytes, data_.size() - offset_);
    chunk_.set_data(data_.substr(offset_, n));
    offset_ += n;
    chunk_.set_last(offset_ == data_.size());
    StartWrite(&chunk_);
  }
  std::string data_;
  std::size_t offset_ = 0;
  v1::ExportChunk chunk_;
};

}  // namespace

OperatorService::OperatorService(SetRunner& runner, const LoopCounters& counters,
                                 SessionStore& store, Calibration& calibration,
                                 OperatorMachine machine,
                                 std::function<std::string()> running_session)
    : runner_(runner),
      counters_(counters),
      store_(store),
      calibration_(calibration),
      machine_(std::move(machine)),
      running_session_(std::move(running_session)),
      started_at_unix_ms_(unix_ms()) {
  const auto stored = store_.with_db([](Database& db) { return load_calibration(db); });
  if (stored) {
    calibration_.set_force_offsets(stored->force_offset_left_n(), stored->force_offset_right_n());
    if (stored->has_range_limits())
      calibration_.set_range_limits(stored->range_limits().bottom_m(),
                                    stored->range_limits().top_m());
    spdlog::info("calibration: load-cell offsets L {:.1f} N, R {:.1f} N{}",
                 stored->force_offset_left_n(), stored->force_offset_right_n(),
                 stored->has_range_limits() ? fmt::format(", range limits {:.3f}-{:.3f} m",
                                                          stored->range_limits().bottom_m(),
                                                          stored->range_limits().top_m())
                                            : "");
  }
}

v1::Versions OperatorService::versions() {
  v1::Versions v;
  v.set_plugin_version(TEMPOLOAD_VERSION);
  v.set_api_version("tempoload.v1");
  v.set_map_model(machine_.info.model);
  v.set_map_version(machine_.map_version);
  v.set_map_kind(std::string(drivers::to_string(machine_.info.kind)));
  v.set_schema_version(
      static_cast<std::uint32_t>(store_.with_db([](Database& db) { return db.user_version(); })));
  return v;
}

grpc::ServerUnaryReactor* OperatorService::GetMachineStatus(grpc::CallbackServerContext* ctx,
                                                            const v1::GetMachineStatusRequest*,
                                                            v1::MachineStatus* resp) {
  using drivers::StatusBit;
  const std::uint32_t status = runner_.last_status();
  auto bit = [&](StatusBit b) { return (status & (1u << static_cast<unsigned>(b))) != 0; };
  resp->set_machine_id(machine_.info.machine_id);
  resp->set_machine_model(machine_.info.model);
  resp->set_machine_kind(std::string(drivers::to_string(machine_.info.kind)));
  resp->set_connected(runner_.machine_responding());
  resp->set_status_word(status);
  resp->set_ready(bit(StatusBit::kReady));
  resp->set_estop(bit(StatusBit::kEstop));
  resp->set_drive_fault(bit(StatusBit::kDriveFault));
  resp->set_watchdog_tripped(bit(StatusBit::kWatchdogTripped));
  resp->set_set_running(runner_.set_active());
  resp->set_session_id(running_session_ ? running_session_() : "");
  resp->set_loop_cycles(counters_.cycles.load());
  resp->set_deadline_misses(counters_.deadline_misses.load());
  resp->set_comms_errors(counters_.comms_errors.load());
  resp->set_reconnects(counters_.reconnects.load());
  resp->set_realtime(counters_.realtime.load());
  const std::int64_t now = unix_ms();
  resp->set_uptime_s(static_cast<double>(now - started_at_unix_ms_) / 1000.0);
  resp->set_force_left_n(calibration_.raw_force_left_n());
  resp->set_force_right_n(calibration_.raw_force_right_n());
  try {
    *resp->mutable_versions() = versions();
    store_.with_db([&](Database& db) {
      const auto outbox = outbox_status(db);
      resp->set_outbox_pending(static_cast<std::uint32_t>(outbox.pending));
      resp->set_outbox_rejected(static_cast<std::uint32_t>(outbox.rejected));
      for (auto& f : faults_between(db, 0, now + 1, now))
        if (f.cleared_at_unix_ms() == 0) *resp->add_active_faults() = std::move(f);
      if (auto c = load_calibration(db)) *resp->mutable_calibration() = std::move(*c);
    });
  } catch (const StoreError& e) {
    return finish(ctx, storage_error(e));
  }
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* OperatorService::GetUsage(grpc::CallbackServerContext* ctx,
                                                    const v1::GetUsageRequest* req,
                                                    v1::GetUsageResponse* resp) {
  std::int64_t from = 0, to = 0;
  if (auto s = window(req->from_unix_ms(), req->to_unix_ms(), unix_ms(), from, to); !s.ok())
    return finish(ctx, s);
  if (to - from > kMaxUsageSpanMs)
    return finish(ctx, invalid("to_unix_ms: at most 366 days after from_unix_ms"));
  try {
    const auto rows = store_.with_db([&](Database& db) { return daily_usage(db, from, to); });
    std::set<std::string> everyone;
    double loaded_s = 0;
    std::uint32_t sessions = 0;
    v1::DayUsage* day = nullptr;
    for (const auto& r : rows) {
      if (!day || day->day() != r.day) {
        day = resp->add_days();
        day->set_day(r.day);
      }
      day->set_sessions(day->sessions() + r.usage.sessions());
      day->set_loaded_minutes(day->loaded_minutes() + r.usage.loaded_s() / 60.0);
      day->set_distinct_users(day->distinct_users() + 1);  // one row per athlete and day
      day->set_reps_counted(day->reps_counted() + r.usage.reps_counted());
      day->set_reps_attempted(day->reps_attempted() + r.usage.reps_attempted());
      *day->add_athletes() = r.usage;
      everyone.insert(r.usage.athlete_id());
      loaded_s += r.usage.loaded_s();
      sessions += r.usage.sessions();
    }
    resp->set_sessions(sessions);
    resp->set_loaded_minutes(loaded_s / 60.0);
    resp->set_distinct_users(static_cast<std::uint32_t>(everyone.size()));
  } catch (const StoreError& e) {
    return finish(ctx, storage_error(e));
  }
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* OperatorService::ListFaults(grpc::CallbackServerContext* ctx,
                                                      const v1::ListFaultsRequest* req,
                                                      v1::ListFaultsResponse* resp) {
  const std::int64_t now = unix_ms();
  std::int64_t from = 0, to = 0;
  if (auto s = window(req->from_unix_ms(), req->to_unix_ms(), now, from, to); !s.ok())
    return finish(ctx, s);
  if (req->limit() > 1000) return finish(ctx, invalid("limit: must be 1..1000 (0 = 100)"));
  const std::size_t limit = req->limit() == 0 ? 100 : req->limit();
  try {
    auto faults = store_.with_db([&](Database& db) { return faults_between(db, from, to, now); });
    for (auto it = faults.rbegin();
         it != faults.rend() && resp->faults_size() < static_cast<int>(limit); ++it) {
      if (req->active_only() && it->cleared_at_unix_ms() != 0) continue;
      // The whole duration, not only the part inside the window; an active fault up to now.
      const std::int64_t end = it->cleared_at_unix_ms() != 0 ? it->cleared_at_unix_ms() : now;
      it->set_duration_s(
          static_cast<double>(std::max<std::int64_t>(0, end - it->started_at_unix_ms())) / 1000.0);
      *resp->add_faults() = std::move(*it);
    }
  } catch (const StoreError& e) {
    return finish(ctx, storage_error(e));
  }
  return finish(ctx, grpc::Status::OK);
}

grpc::Status OperatorService::calibrate(const v1::CalibrateRequest& req, const std::string& actor,
                                        v1::Calibration& out) {
  if (!req.zero_load_cells() && !req.has_range_limits() && !req.clear_range_limits())
    return invalid("zero_load_cells, range_limits or clear_range_limits: one is required");
  if (req.has_range_limits() && req.clear_range_limits())
    return invalid("clear_range_limits: not together with range_limits");
  const double travel = machine_.info.travel_m;
  if (req.has_range_limits()) {
    const auto& r = req.range_limits();
    if (!(r.bottom_m() >= 0 && r.bottom_m() < travel))
      return invalid("range_limits.bottom_m: must be in [0, " + fmt::format("{:g}", travel) +
                     ") m (the machine's travel)");
    if (!(r.top_m() <= travel))
      return invalid("range_limits.top_m: must be at most the machine's travel, " +
                     fmt::format("{:g}", travel) + " m");
    if (!(r.top_m() - r.bottom_m() >= kMinRangeSpanM))
      return invalid("range_limits.top_m: must be at least 0.02 m above bottom_m");
  }
  if (machine_.info.kind != drivers::MachineKind::kCalfRaise)
    return precondition("this machine (" + machine_.info.model +
                        ") is a dynamometer: load cells and platform range are calf-raise only");
  std::lock_guard lock(calibrate_mutex_);
  if (runner_.set_active()) {
    const std::string session = running_session_ ? running_session_() : "";
    return precondition("a set is running" + (session.empty() ? "" : " (session " + session + ")") +
                        ": calibrate between sets");
  }
  double left = 0, right = 0;
  if (req.zero_load_cells()) {
    if (!runner_.machine_responding())
      return precondition("the machine is not responding over Modbus: cannot read the load cells");
    // The unloaded readings, averaged over 50 ms (10 samples of the loop's latest values).
    constexpr int kSamples = 10;
    for (int i = 0; i < kSamples; ++i) {
      left += calibration_.raw_force_left_n() / kSamples;
      right += calibration_.raw_force_right_n() / kSamples;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    for (const auto& [leg, v] : {std::pair{"left", left}, std::pair{"right", right}})
      if (std::abs(v) > kMaxZeroOffsetN)
        return precondition(fmt::format(
            "the {} load cell reads {:.0f} N (more than {:.0f} N): the platform is loaded; "
            "step off it before zeroing",
            leg, v, kMaxZeroOffsetN));
  }
  try {
    store_.with_db([&](Database& db) {
      db.transaction([&] {
        v1::Calibration c = load_calibration(db).value_or(v1::Calibration{});
        const std::int64_t now = unix_ms();
        if (req.zero_load_cells()) {
          c.set_force_offset_left_n(left);
          c.set_force_offset_right_n(right);
          save_calibration(db, c, "zero_load_cells", actor, now);
        }
        if (req.has_range_limits()) {
          *c.mutable_range_limits() = req.range_limits();
          save_calibration(db, c, "range_limits", actor, now);
        }
        if (req.clear_range_limits()) {
          c.clear_range_limits();
          save_calibration(db, c, "clear_range_limits", actor, now);
        }
      });
      out = load_calibration(db).value_or(v1::Calibration{});
    });
  } catch (const StoreError& e) {
    return storage_error(e);
  }
  calibration_.set_force_offsets(out.force_offset_left_n(), out.force_offset_right_n());
  if (out.has_range_limits())
    calibration_.set_range_limits(out.range_limits().bottom_m(), out.range_limits().top_m());
  else
    calibration_.set_range_limits(0, 0);
  spdlog::info("calibration changed by {}: offsets L {:.1f} N, R {:.1f} N, range {}", actor,
               out.force_offset_left_n(), out.force_offset_right_n(),
               out.has_range_limits()
                   ? fmt::format("{:.3f}-{:.3f} m", out.range_limits().bottom_m(),
                                 out.range_limits().top_m())
                   : std::string("full travel"));
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* OperatorService::Calibrate(grpc::CallbackServerContext* ctx,
                                                     const v1::CalibrateRequest* req,
                                                     v1::CalibrateResponse* resp) {
  return finish(ctx, calibrate(*req, CallerScope::of(*ctx).actor(), *resp->mutable_calibration()));
}

grpc::ServerUnaryReactor* OperatorService::GetVersions(grpc::CallbackServerContext* ctx,
                                                       const v1::GetVersionsRequest*,
                                                       v1::Versions* resp) {
  try {
    *resp = versions();
  } catch (const StoreError& e) {
    return finish(ctx, storage_error(e));
  }
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerWriteReactor<v1::ExportChunk>* OperatorService::Export(grpc::CallbackServerContext* ctx,
                                                                   const v1::ExportRequest* req) {
  using Rejected = RejectedStream<v1::ExportChunk>;
  if (req->kind() == v1::EXPORT_KIND_UNSPECIFIED)
    return new Rejected(invalid("kind: required (sessions, reps or usage)"));
  if (!v1::ExportKind_IsValid(req->kind()))
    return new Rejected(invalid("kind: unknown value " + std::to_string(req->kind())));
  if (!v1::ExportFormat_IsValid(req->format()))
    return new Rejected(invalid("format: unknown value " + std::to_string(req->format())));
  if (req->kind() == v1::EXPORT_KIND_REPS && !CallerScope::of(*ctx).sees_training_detail())
    return new Rejected(
        {grpc::StatusCode::PERMISSION_DENIED,
         "kind: reps are training detail; operators may export sessions and usage"});
  std::int64_t from = 0, to = 0;
  if (req->kind() == v1::EXPORT_KIND_USAGE)
    if (auto s = window(req->from_unix_ms(), req->to_unix_ms(), unix_ms(), from, to); !s.ok())
      return new Rejected(s);
  const std::string format = req->format() == v1::EXPORT_FORMAT_JSON ? "json" : "csv";
  std::ostringstream out;
  try {
    const bool found = store_.with_db([&](Database& db) {
      if (req->kind() == v1::EXPORT_KIND_USAGE) {
        write_table(usage_table(db, from, to), format, out);
        return true;
      }
      const auto sessions = list_sessions(db, req->session_id());
      if (!req->session_id().empty() && sessions.empty()) return false;
      write_table(req->kind() == v1::EXPORT_KIND_SESSIONS ? sessions_table(sessions)
                                                          : reps_table(db, sessions),
                  format, out);
      return true;
    });
    if (!found)
      return new Rejected(
          {grpc::StatusCode::NOT_FOUND, "session_id: no session '" + req->session_id() + "'"});
  } catch (const StoreError& e) {
    return new Rejected(storage_error(e));
  }
  return new ExportStream(out.str());
}

}  // namespace tempoload::plugin
