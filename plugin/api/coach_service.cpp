#include "plugin/api/coach_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "plugin/api/rpc_helpers.hpp"
#include "plugin/auth/caller_scope.hpp"
#include "plugin/session/proto_conversion.hpp"
#include "plugin/session/protocol_results.hpp"
#include "plugin/session/wall_clock.hpp"
#include "plugin/storage/athlete_queries.hpp"
#include "plugin/storage/morning_pain.hpp"
#include "plugin/storage/prescription_diff.hpp"
#include "plugin/storage/progression_inputs.hpp"
#include "plugin/storage/test_results.hpp"
#include "plugin/storage/trends.hpp"
#include "protocols/programmes.hpp"
#include "protocols/progression.hpp"
#include "protocols/rep_metrics.hpp"
#include "protocols/rm_estimate.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

constexpr std::int64_t kWeekMs = 7 * 86'400'000LL;
constexpr std::int64_t kMaxTrendSpanMs = 731 * 86'400'000LL;  // 2 years
constexpr std::size_t kMaxTextChars = 500;

grpc::Status invalid(std::string message) {
  return {grpc::StatusCode::INVALID_ARGUMENT, std::move(message)};
}

grpc::Status storage_error(const StoreError& e) {
  return {grpc::StatusCode::UNAVAILABLE, std::string("storage: ") + e.what()};
}

// The athlete id is valid and the caller may see that athlete.
grpc::Status check_athlete(const CallerScope& scope, const std::string& athlete_id) {
  if (auto error = validate_id("athlete_id", athlete_id); !error.empty()) return invalid(error);
  return scope.check("athlete_id", athlete_id);
}

// [from, to) with 0 = no bound; both >= 0, to after from when both are given.
grpc::Status check_range(std::int64_t from, std::int64_t to) {
  if (from < 0) return invalid("from_unix_ms: must be >= 0");
  if (to < 0) return invalid("to_unix_ms: must be >= 0");
  if (to != 0 && to <= from) return invalid("to_unix_ms: must be after from_unix_ms");
  return grpc::Status::OK;
}

v1::SessionListItem to_item(const SessionRow& r, bool dynamometer) {
  v1::SessionListItem s;
  s.set_session_id(r.session_id);
  s.set_athlete_id(r.athlete_id);
  s.set_machine_id(r.machine_id);
  s.set_status(r.status);
  s.set_started_at_unix_ms(r.started_at_unix_ms);
  s.set_ended_at_unix_ms(r.ended_at_unix_ms);
  s.set_reps_attempted(static_cast<std::uint32_t>(r.reps_attempted));
  s.set_reps_counted(static_cast<std::uint32_t>(r.reps_counted));
  s.set_loaded_s(static_cast<double>(r.loaded_ms) / 1000.0);
  s.mutable_prescription_origin()->set_source(source_from_column(r.prescription_source));
  s.mutable_prescription_origin()->set_version(static_cast<std::uint32_t>(r.prescription_version));
  s.set_dynamometer(dynamometer);
  return s;
}

v1::AthleteSummary to_summary(const AthleteRow& a) {
  v1::AthleteSummary s;
  s.set_athlete_id(a.athlete_id);
  s.set_first_seen_unix_ms(a.first_seen_unix_ms);
  s.set_last_session_unix_ms(a.last_session_unix_ms);
  s.set_sessions(static_cast<std::uint32_t>(a.sessions));
  s.set_prescription_version(static_cast<std::uint32_t>(a.prescription_version));
  return s;
}

v1::AssignedPrescription to_assigned(const CachedPrescription& p) {
  v1::AssignedPrescription a;
  a.set_athlete_id(p.athlete_id);
  a.set_version(p.version);
  *a.mutable_set() = p.set;
  a.set_updated_at_unix_ms(p.updated_at_unix_ms);
  a.set_updated_by(p.updated_by);
  return a;
}

// The newest version held (confirmed or pending; a conflict lost), or null.
const CachedPrescription* newest_held(const std::vector<CachedPrescription>& history) {
  const CachedPrescription* best = nullptr;
  for (const auto& p : history)
    if (p.state != "conflict" && (!best || p.version > best->version)) best = &p;
  return best;
}

grpc::Status check_test(const v1::RecordTestResultRequest& r, std::int64_t now) {
  if (r.measured_at_unix_ms() < 0) return invalid("measured_at_unix_ms: must be >= 0");
  if (r.measured_at_unix_ms() > now + 60'000)
    return invalid("measured_at_unix_ms: is in the future");
  if (r.note().size() > kMaxTextChars) return invalid("note: at most 500 characters");
  if (r.has_rm()) {
    if (!(r.rm().load_n() > 0 && r.rm().load_n() <= 10000))
      return invalid("rm.load_n: must be in (0, 10000] N");
    if (r.rm().reps() < 1 || r.rm().reps() > 12) return invalid("rm.reps: must be 1..12");
    return grpc::Status::OK;
  }
  if (!r.has_mvic()) return invalid("test: rm or mvic is required");
  const auto& m = r.mvic();
  const std::pair<const char*, double> forces[] = {
      {"mvic.peak_force_left_n", m.peak_force_left_n()},
      {"mvic.peak_force_right_n", m.peak_force_right_n()}};
  const std::pair<const char*, double> torques[] = {
      {"mvic.peak_torque_left_nm", m.peak_torque_left_nm()},
      {"mvic.peak_torque_right_nm", m.peak_torque_right_nm()}};
  for (const auto& [field, v] : forces)
    if (!(v >= 0 && v <= 10000)) return invalid(std::string(field) + ": must be in [0, 10000] N");
  for (const auto& [field, v] : torques)
    if (!(v >= 0 && v <= 1000)) return invalid(std::string(field) + ": must be in [0, 1000] N m");
  if (m.peak_force_left_n() + m.peak_force_right_n() + m.peak_torque_left_nm() +
          m.peak_torque_right_nm() ==
      0)
    return invalid("mvic: at least one peak force or torque is required");
  return grpc::Status::OK;
}

// A record may be this much ahead of the plugin's clock (clock skew of the caller's device).
constexpr std::int64_t kFutureToleranceMs = 60'000;
constexpr std::uint32_t kProgrammeWeeks = 12;

std::string fmt(const char* format, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

v1::Knee to_proto(protocols::Knee k) {
  return k == protocols::Knee::kBent ? v1::KNEE_BENT : v1::KNEE_STRAIGHT;
}

// Two planned sets are the same exercise: the same set (reps, load, tempo, mode) on the same
// knee angle and leg.
bool same_exercise(const protocols::PlannedSet& a, const protocols::PlannedSet& b) {
  const auto &x = a.spec, &y = b.spec;
  const auto &tx = x.tempo, &ty = y.tempo;
  return a.knee == b.knee && a.legs == b.legs && a.target_rm == b.target_rm && x.reps == y.reps &&
         x.load_n == y.load_n && x.eccentric_only == y.eccentric_only &&
         x.eccentric_velocity_limit == y.eccentric_velocity_limit &&
         tx.concentric_s == ty.concentric_s && tx.top_pause_s == ty.top_pause_s &&
         tx.eccentric_s == ty.eccentric_s && tx.bottom_pause_s == ty.bottom_pause_s &&
         tx.eccentric_min_s == ty.eccentric_min_s && tx.eccentric_max_s == ty.eccentric_max_s;
}

// `count` sets of a planned set as one prescription (sets x reps at a load, rest between).
v1::SetPrescription to_exercise(const protocols::PlannedSet& p, std::size_t count, double rest_s) {
  v1::SetPrescription e;
  e.set_reps(static_cast<std::uint32_t>(p.spec.reps));
  e.set_load_n(p.spec.load_n);
  auto* t = e.mutable_tempo();
  t->set_concentric_s(p.spec.tempo.concentric_s);
  t->set_top_pause_s(p.spec.tempo.top_pause_s);
  t->set_eccentric_s(p.spec.tempo.eccentric_s);
  t->set_bottom_pause_s(p.spec.tempo.bottom_pause_s);
  t->set_eccentric_min_s(p.spec.tempo.eccentric_min_s);
  t->set_eccentric_max_s(p.spec.tempo.eccentric_max_s);
  t->set_max_pause_s(p.spec.tempo.max_pause_s);
  e.set_min_range_fraction(p.spec.min_range_fraction);
  e.set_idle_timeout_s(p.spec.idle_timeout_s);
  e.set_pain_limit_0_10(static_cast<std::uint32_t>(std::lround(p.spec.pain_limit)));
  e.set_eccentric_velocity_limit(p.spec.eccentric_velocity_limit);
  e.set_sets(static_cast<std::uint32_t>(count));
  e.set_rest_s(rest_s);
  e.set_knee(to_proto(p.knee));
  e.set_leg(to_proto_leg(p.legs));
  e.set_eccentric_only(p.spec.eccentric_only);
  return e;
}

grpc::Status check_programme_request(const v1::GetProgrammeSessionRequest& r) {
  const bool hsr = r.programme() == v1::PROGRAMME_HSR;
  if (r.programme() == v1::PROGRAMME_UNSPECIFIED)
    return invalid("programme: required (PROGRAMME_HSR or PROGRAMME_ALFREDSON)");
  if (!hsr && r.programme() != v1::PROGRAMME_ALFREDSON)
    return invalid("programme: unknown value " + std::to_string(r.programme()));
  if (r.week() < 1 || r.week() > kProgrammeWeeks)
    return invalid("week: " + std::to_string(r.week()) + " is outside [1, 12]");
  const std::uint32_t sessions = hsr ? 3 : 14;
  if (r.session() < 1 || r.session() > sessions)
    return invalid(
        "session: " + std::to_string(r.session()) + " is outside [1, " + std::to_string(sessions) +
        "] (" + (hsr ? "HSR: 3 sessions a week" : "Alfredson: twice a day, 7 days a week") + ")");
  if (r.lowering_s() != 0 && !(r.lowering_s() >= 3.0 && r.lowering_s() <= 5.0))
    return invalid(fmt("lowering_s: %g s is outside [3, 5] s (0 = 3 s)", r.lowering_s()));
  if (!v1::Knee_IsValid(r.knee())) return invalid("knee: unknown value");
  if (!v1::Leg_IsValid(r.injured_leg())) return invalid("injured_leg: unknown value");
  return grpc::Status::OK;
}

}  // namespace

CoachService::CoachService(SessionStore& store, PrescriptionStore& prescriptions,
                           MachineInfo machine, std::function<void()> on_change_queued)
    : store_(store),
      prescriptions_(prescriptions),
      machine_(std::move(machine)),
      on_change_queued_(std::move(on_change_queued)) {}

grpc::ServerUnaryReactor* CoachService::ListAthletes(grpc::CallbackServerContext* ctx,
                                                     const v1::ListAthletesRequest*,
                                                     v1::ListAthletesResponse* resp) {
  const auto scope = CallerScope::of(*ctx);
  try {
    const auto rows =
        store_.with_db([&](Database& db) { return list_athletes(db, scope.athletes()); });
    for (const auto& a : rows) *resp->add_athletes() = to_summary(a);
  } catch (const StoreError& e) {
    return finish(ctx, storage_error(e));
  }
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* CoachService::GetAthlete(grpc::CallbackServerContext* ctx,
                                                   const v1::GetAthleteRequest* req,
                                                   v1::AthleteDetail* resp) {
  const auto scope = CallerScope::of(*ctx);
  if (auto s = check_athlete(scope, req->athlete_id()); !s.ok()) return finish(ctx, s);
  try {
    const bool known = store_.with_db([&](Database& db) {
      const auto athlete = find_athlete(db, req->athlete_id());
      if (!athlete) return false;
      *resp->mutable_athlete() = to_summary(*athlete);
      SessionQuery q;
      q.athletes = std::vector<std::string>{req->athlete_id()};
      q.limit = 1;
      const auto page = sessions_page(db, q);
      if (!page.sessions.empty())
        *resp->mutable_last_session() = to_item(page.sessions[0], page.dynamometer[0]);
      auto tests = list_test_results(db, req->athlete_id(), 0, 0);
      for (std::size_t i = 0; i < tests.size() && i < 5; ++i)
        *resp->add_test_results() = std::move(tests[i]);
      return true;
    });
    if (!known)
      return finish(ctx, {grpc::StatusCode::NOT_FOUND,
                          "athlete_id: this machine knows no athlete '" + req->athlete_id() + "'"});
    const auto history = prescriptions_.history(req->athlete_id());
    if (const auto* p = newest_held(history)) {
      *resp->mutable_prescription() = to_assigned(*p);
      resp->set_prescription_state(p->state);
    }
  } catch (const StoreError& e) {
    return finish(ctx, storage_error(e));
  }
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* CoachService::ListSessions(grpc::CallbackServerContext* ctx,
                                                     const v1::ListSessionsRequest* req,
                                                     v1::ListSessionsResponse* resp) {
  const auto scope = CallerScope::of(*ctx);
  SessionQuery q;
  if (!req->athlete_id().empty()) {
    if (auto s = check_athlete(scope, req->athlete_id()); !s.ok()) return finish(ctx, s);
    q.athletes = std::vector<std::string>{req->athlete_id()};
  } else {
    q.athletes = scope.athletes();
  }
  if (auto s = check_range(req->from_unix_ms(), req->to_unix_ms()); !s.ok()) return finish(ctx, s);
  if (req->page_size() > 500) return finish(ctx, invalid("page_size: must be 1..500 (0 = 50)"));
  q.from_unix_ms = req->from_unix_ms();
  q.to_unix_ms = req->to_unix_ms();
  q.limit = req->page_size() == 0 ? 50 : req->page_size();
  if (const auto& t = req->page_token(); !t.empty()) {
    // The token is the offset of the next page, in decimal.
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), q.offset);
    if (ec != std::errc() || end != t.data() + t.size() || q.offset < 0)
      return finish(ctx, invalid("page_token: not a next_page_token of this service"));
  }
  try {
    const auto page = store_.with_db([&](Database& db) { return sessions_page(db, q); });
    for (std::size_t i = 0; i < page.sessions.size(); ++i)
      *resp->add_sessions() = to_item(page.sessions[i], page.dynamometer[i]);
    if (page.more) resp->set_next_page_token(std::to_string(q.offset + q.limit));
  } catch (const StoreError& e) {
    return finish(ctx, storage_error(e));
  }
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* CoachService::GetSessionReport(grpc::CallbackServerContext* ctx,
                                                         const v1::GetSessionReportRequest* req,
                                                         v1::SessionReport* resp) {
  if (req->session_id().empty()) return finish(ctx, invalid("session_id: required"));
  try {
    auto report = store_.load_report(req->session_id());
    if (!report)
      return finish(
          ctx, {grpc::StatusCode::NOT_FOUND, "session_id: no session '" + req->session_id() + "'"});
    if (auto s = CallerScope::of(*ctx).check("session_id", report->athlete_id()); !s.ok())
      return finish(ctx, s);
    *resp = std::move(*report);
  } catch (const StoreError& e) {
    return finish(ctx, storage_error(e));
  }
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* CoachService::AssignPrescription(grpc::CallbackServerContext* ctx,
                                                           const v1::AssignPrescriptionRequest* req,
                                                           v1::AssignPrescriptionResponse* resp) {
  const auto scope = CallerScope::of(*ctx);
  if (auto s = check_athlete(scope, req->athlete_id()); !s.ok()) return finish(ctx, s);
  if (!req->has_set()) return finish(ctx, invalid("set: required"));
  if (req->reason().size() > kMaxTextChars)
    return finish(ctx, invalid("reason: at most 500 characters"));
  // The same checks as a StartSet with this set, so an assigned prescription can run here.
  v1::StartSetRequest as_start;
  as_start.set_athlete_id(req->athlete_id());
  *as_start.mutable_set() = req->set();
  if (auto error = validate(as_start, machine_.max_force_n, machine_.travel_m); !error.empty())
    return finish(ctx, invalid(error));
  try {
    const auto history = prescriptions_.history(req->athlete_id());
    std::uint32_t base = req->base_version();
    if (base == 0)
      if (const auto* newest = newest_held(history)) base = newest->version;
    // What the coach changed: against the version edited (a confirmed copy first).
    const CachedPrescription* before = nullptr;
    for (const auto& p : history)
      if (p.version == base && p.state != "conflict" && (!before || p.state == "confirmed"))
        before = &p;
    const auto changes = diff_prescription(before ? &before->set : nullptr, req->set());
    const std::int64_t now = unix_ms();
    const auto row = prescriptions_.record_edit(req->athlete_id(), base, req->set(), scope.actor(),
                                                machine_.machine_id, now);
    // The field-level record beside record_edit's (which holds the whole new prescription).
    store_.with_db([&](Database& db) {
      audit_prescription_diff(db, now, scope.actor(), req->athlete_id(), row.version, base,
                              row.change_id, req->reason(), changes);
    });
    resp->set_change_id(row.change_id);
    resp->set_version(row.version);
    resp->set_base_version(base);
    for (const auto& c : changes) *resp->add_changes() = c;
    spdlog::info(
        "prescription of athlete {} assigned by {} from v{} ({} field(s) changed, change {})",
        req->athlete_id(), scope.actor(), base, changes.size(), row.change_id);
  } catch (const StoreError& e) {
    return finish(ctx, storage_error(e));
  }
  if (on_change_queued_) on_change_queued_();
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* CoachService::GetPrescriptionHistory(
    grpc::CallbackServerContext* ctx, const v1::GetPrescriptionHistoryRequest* req,
    v1::PrescriptionHistory* resp) {
  const auto scope = CallerScope::of(*ctx);
  if (auto s = check_athlete(scope, req->athlete_id()); !s.ok()) return finish(ctx, s);
  try {
    resp->set_athlete_id(req->athlete_id());
    for (const auto& p : prescriptions_.history(req->athlete_id())) {
      auto* v = resp->add_versions();
      *v->mutable_prescription() = to_assigned(p);
      v->set_state(p.state);
      v->set_change_id(p.change_id);
      v->set_base_version(p.base_version);
      v->set_conflict(p.conflict);
    }
    auto audit = prescriptions_.audit_log(req->athlete_id());
    for (auto it = audit.rbegin(); it != audit.rend(); ++it) {
      auto* a = resp->add_audit();
      a->set_at_unix_ms(it->at_unix_ms);
      a->set_actor(it->actor);
      a->set_action(it->action);
      a->set_version(it->version);
      a->set_detail(it->detail);
    }
  } catch (const StoreError& e) {
    return finish(ctx, storage_error(e));
  }
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* CoachService::RecordTestResult(grpc::CallbackServerContext* ctx,
                                                         const v1::RecordTestResultRequest* req,
                                                         v1::TestResult* resp) {
  const auto scope = CallerScope::of(*ctx);
  if (auto s = check_athlete(scope, req->athlete_id()); !s.ok()) return finish(ctx, s);
  const std::int64_t now = unix_ms();
  if (auto s = check_test(*req, now); !s.ok()) return finish(ctx, s);
  v1::TestResult r;
  r.set_id(new_session_id("test"));
  r.set_athlete_id(req->athlete_id());
  r.set_measured_at_unix_ms(req->measured_at_unix_ms() == 0 ? now : req->measured_at_unix_ms());
  r.set_recorded_by(scope.actor());
  r.set_note(req->note());
  if (req->has_rm()) {
    *r.mutable_rm() = req->rm();
    for (auto& e : one_rm_estimates(req->rm().load_n(), req->rm().reps()))
      *r.add_one_rm() = std::move(e);
  } else {
    const auto& m = req->mvic();
    *r.mutable_mvic() = m;
    const bool forces = m.peak_force_left_n() + m.peak_force_right_n() > 0;
    r.set_symmetry_index_pct(
        forces ? protocols::symmetry_index_pct(m.peak_force_left_n(), m.peak_force_right_n())
               : protocols::symmetry_index_pct(m.peak_torque_left_nm(), m.peak_torque_right_nm()));
  }
  try {
    store_.with_db([&](Database& db) { save_test_result(db, r, now); });
  } catch (const StoreError& e) {
    return finish(ctx, storage_error(e));
  }
  spdlog::info("{} test of athlete {} recorded by {} ({})", r.has_rm() ? "RM" : "MVIC",
               r.athlete_id(), r.recorded_by(), r.id());
  *resp = std::move(r);
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* CoachService::ListTestResults(grpc::CallbackServerContext* ctx,
                                                        const v1::ListTestResultsRequest* req,
                                                        v1::ListTestResultsResponse* resp) {
  const auto scope = CallerScope::of(*ctx);
  if (auto s = check_athlete(scope, req->athlete_id()); !s.ok()) return finish(ctx, s);
  if (auto s = check_range(req->from_unix_ms(), req->to_unix_ms()); !s.ok()) return finish(ctx, s);
  try {
    auto results = store_.with_db([&](Database& db) {
      return list_test_results(db, req->athlete_id(), req->from_unix_ms(), req->to_unix_ms());
    });
    for (auto& r : results) *resp->add_results() = std::move(r);
  } catch (const StoreError& e) {
    return finish(ctx, storage_error(e));
  }
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* CoachService::GetTrends(grpc::CallbackServerContext* ctx,
                                                  const v1::GetTrendsRequest* req,
                                                  v1::Trends* resp) {
  const auto scope = CallerScope::of(*ctx);
  if (auto s = check_athlete(scope, req->athlete_id()); !s.ok()) return finish(ctx, s);
  if (auto s = check_range(req->from_unix_ms(), req->to_unix_ms()); !s.ok()) return finish(ctx, s);
  const std::int64_t to = req->to_unix_ms() == 0 ? unix_ms() : req->to_unix_ms();
  const std::int64_t from =
      req->from_unix_ms() == 0 ? std::max<std::int64_t>(0, to - 12 * kWeekMs) : req->from_unix_ms();
  if (to <= from) return finish(ctx, invalid("from_unix_ms: must be before to_unix_ms (now)"));
  if (to - from > kMaxTrendSpanMs)
    return finish(ctx, invalid("to_unix_ms: at most 2 years after from_unix_ms"));
  try {
    *resp = store_.with_db(
        [&](Database& db) { return weekly_trends(db, req->athlete_id(), from, to); });
  } catch (const StoreError& e) {
    return finish(ctx, storage_error(e));
  }
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* CoachService::GetProgression(grpc::CallbackServerContext* ctx,
                                                       const v1::GetProgressionRequest* req,
                                                       v1::ProgressionAdvice* resp) {
  const auto scope = CallerScope::of(*ctx);
  if (auto s = check_athlete(scope, req->athlete_id()); !s.ok()) return finish(ctx, s);
  if (req->session_id().size() > 200)
    return finish(ctx, invalid("session_id: at most 200 characters"));
  std::optional<ProgressionInputs> in;
  try {
    in = store_.with_db(
        [&](Database& db) { return progression_inputs(db, req->athlete_id(), req->session_id()); });
  } catch (const StoreError& e) {
    return finish(ctx, storage_error(e));
  }
  if (!in) {
    if (req->session_id().empty())
      return finish(ctx, {grpc::StatusCode::NOT_FOUND,
                          "athlete_id: athlete '" + req->athlete_id() +
                              "' has no finished calf-raise session on this machine"});
    return finish(
        ctx, {grpc::StatusCode::NOT_FOUND,
              "session_id: '" + req->session_id() +
                  "' is not a finished calf-raise session of athlete '" + req->athlete_id() + "'"});
  }
  protocols::ProgressionRules rules;
  rules.require_pain_free = in->require_pain_free;
  const auto d = protocols::decide_progression(in->input, rules);
  resp->set_athlete_id(req->athlete_id());
  resp->set_session_id(in->session.session_id);
  resp->set_decision(protocols::to_string(d.decision));
  resp->set_rule(static_cast<std::uint32_t>(d.rule));
  resp->set_reason(d.reason);
  resp->set_load_change_fraction(d.load_change_fraction);
  resp->set_current_load_n(in->input.load_n);
  resp->set_next_load_n(d.next_load_n);
  resp->set_target_reps(static_cast<std::uint32_t>(std::max(0, in->input.target_reps)));
  resp->set_reps_done(static_cast<std::uint32_t>(std::max(0, in->input.reps_done)));
  resp->set_pain_during(in->input.pain_during);
  resp->set_morning_pain_before(in->input.morning_pain_before);
  resp->set_morning_pain_after(in->input.morning_pain_after);
  resp->set_morning_pain_last_week(in->input.morning_pain_last_week);
  resp->set_require_pain_free(in->require_pain_free);
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* CoachService::GetProgrammeSession(
    grpc::CallbackServerContext* ctx, const v1::GetProgrammeSessionRequest* req,
    v1::ProgrammeSession* resp) {
  const auto scope = CallerScope::of(*ctx);
  if (auto s = check_athlete(scope, req->athlete_id()); !s.ok()) return finish(ctx, s);
  if (auto s = check_programme_request(*req); !s.ok()) return finish(ctx, s);
  const bool hsr = req->programme() == v1::PROGRAMME_HSR;
  const int week = static_cast<int>(req->week());
  protocols::ProgrammeOptions options;
  options.variant = req->knee() == v1::KNEE_BENT ? protocols::HsrVariant::kSeated
                                                 : protocols::HsrVariant::kStanding;
  options.lowering_s = req->lowering_s() == 0 ? 3.0 : req->lowering_s();
  options.injured_leg =
      req->injured_leg() == v1::LEG_RIGHT ? protocols::Legs::kRight : protocols::Legs::kLeft;
  options.max_load_n = machine_.max_force_n;

  // HSR: the block's nRM load from the latest RM test (Epley), as StartSet would resolve it.
  std::optional<RmOnRecord> rm;
  const protocols::HsrBlock block = protocols::hsr_block(week);
  double rm_load_n = 0;
  if (hsr) {
    try {
      rm = store_.with_db([&](Database& db) { return latest_rm_test(db, req->athlete_id()); });
    } catch (const StoreError& e) {
      return finish(ctx, storage_error(e));
    }
    if (rm) {
      const auto load = protocols::load_for_rm(rm->one_rm_n, block.rm, protocols::RmFormula::kEpley,
                                               kMaxTargetRm);
      if (!load.valid) return finish(ctx, invalid("week: " + load.refusal));
      rm_load_n = load.load_n;
    }
    // Without an RM on record the plan is built with a placeholder load; the prescriptions
    // then carry target_rm and load_n 0 (StartSet resolves them, or refuses).
    const double l = rm ? rm_load_n : 1.0;
    options.loads = {l, l, l, l, l};
  }
  const auto result = protocols::programme_session(
      hsr ? protocols::ProgrammeKind::kHsr : protocols::ProgrammeKind::kAlfredson, week,
      static_cast<int>(req->session()), options);
  if (!result.plan) return finish(ctx, invalid(result.error));

  resp->set_athlete_id(req->athlete_id());
  resp->set_programme(req->programme());
  resp->set_week(req->week());
  resp->set_session(req->session());
  const auto& sets = result.plan->sets;
  for (std::size_t i = 0; i < sets.size();) {
    std::size_t j = i + 1;
    while (j < sets.size() && same_exercise(sets[i], sets[j])) ++j;
    // Rest between the sets of this exercise (the last one's rest is the exercise change).
    const double rest_s = j - i > 1 ? sets[i].rest_after_s : options.rest_s;
    auto e = to_exercise(sets[i], j - i, rest_s);
    if (hsr && !rm) {
      e.set_load_n(0);
      e.set_target_rm(static_cast<std::uint32_t>(sets[i].target_rm));
    }
    *resp->add_exercises() = std::move(e);
    i = j;
  }

  if (hsr) {
    resp->set_block(fmt("%d x %dRM", block.sets, block.rm));
    if (rm) {
      std::string source = fmt(
          "%dRM = 1RM %.0f N / (1 + %d/30) = %.0f N (Epley; 1RM = %.0f N x (1 + %d/30) from the RM "
          "test of %s, %d reps at %.0f N, %s)",
          block.rm, rm->one_rm_n, block.rm, rm_load_n, rm->load_n, rm->reps,
          utc_day(rm->measured_at_unix_ms).c_str(), rm->reps, rm->load_n, rm->test_id.c_str());
      if (machine_.max_force_n > 0 && rm_load_n > machine_.max_force_n)
        source += fmt("; above this machine's limit %.0f N", machine_.max_force_n);
      resp->set_load_source(source);
    } else {
      resp->set_load_source(fmt(
          "no RM test on record for athlete '%s': target_rm %d with load_n 0; StartSet fills in "
          "the %dRM load (Epley: 1RM / (1 + %d/30)) from an RM test recorded first "
          "(Coach.RecordTestResult) and refuses the set without one",
          req->athlete_id().c_str(), block.rm, block.rm, block.rm));
    }
  } else {
    const auto& first = sets[0];
    resp->set_block(fmt("%zu x %d eccentric, knee straight + knee bent",
                        static_cast<std::size_t>(resp->exercises(0).sets()), first.spec.reps));
    resp->set_load_source(
        "body weight: load_n 0 (Alfredson 1998 starts without added load; add load only when "
        "the exercise is pain-free: GetProgression, rule 4)");
  }
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* CoachService::RecordMorningPain(grpc::CallbackServerContext* ctx,
                                                          const v1::RecordMorningPainRequest* req,
                                                          v1::MorningPain* resp) {
  const auto scope = CallerScope::of(*ctx);
  if (auto s = check_athlete(scope, req->athlete_id()); !s.ok()) return finish(ctx, s);
  if (req->pain_0_10() > 10)
    return finish(ctx,
                  invalid("pain_0_10: must be 0..10, got " + std::to_string(req->pain_0_10())));
  const std::int64_t now = unix_ms();
  if (req->at_unix_ms() < 0) return finish(ctx, invalid("at_unix_ms: must be >= 0 (0 = now)"));
  if (req->at_unix_ms() > now + kFutureToleranceMs)
    return finish(ctx, invalid("at_unix_ms: is in the future"));
  MorningPainRow row;
  row.athlete_id = req->athlete_id();
  row.at_unix_ms = req->at_unix_ms() == 0 ? now : req->at_unix_ms();
  row.day = utc_day(row.at_unix_ms);
  row.pain_0_10 = static_cast<int>(req->pain_0_10());
  row.recorded_by = scope.actor();
  try {
    store_.with_db([&](Database& db) { save_morning_pain(db, row); });
  } catch (const StoreError& e) {
    return finish(ctx, storage_error(e));
  }
  spdlog::info("morning pain {}/10 of athlete {} on {} recorded by {}", row.pain_0_10,
               row.athlete_id, row.day, row.recorded_by);
  resp->set_athlete_id(row.athlete_id);
  resp->set_day(row.day);
  resp->set_pain_0_10(req->pain_0_10());
  resp->set_at_unix_ms(row.at_unix_ms);
  return finish(ctx, grpc::Status::OK);
}

}  // namespace tempoload::plugin
