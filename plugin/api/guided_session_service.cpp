#include "plugin/api/guided_session_service.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "plugin/api/rpc_helpers.hpp"
#include "plugin/api/watch_reactor.hpp"
#include "plugin/auth/caller_scope.hpp"
#include "plugin/session/proto_conversion.hpp"
#include "plugin/session/protocol_request.hpp"
#include "plugin/session/session_summary.hpp"
#include "plugin/session/wall_clock.hpp"
#include "plugin/storage/athlete_visits.hpp"
#include "plugin/storage/pain_log.hpp"
#include "plugin/storage/test_results.hpp"
#include "protocols/rm_estimate.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {}  // namespace

GuidedSessionService::GuidedSessionService(SetRunner& runner, SessionWorker& worker,
                                           SessionStore& store, GuidanceHub& hub,
                                           MachineInfo machine, PrescriptionSync* assigned)
    : runner_(runner),
      worker_(worker),
      store_(store),
      hub_(hub),
      machine_(std::move(machine)),
      assigned_(assigned) {}

grpc::Status GuidedSessionService::start_set(const v1::StartSetRequest& given,
                                             std::string& session_id,
                                             v1::PrescriptionOrigin& origin) {
  if (machine_.kind != drivers::MachineKind::kCalfRaise)
    return {
        grpc::StatusCode::FAILED_PRECONDITION,
        "this machine (" + machine_.model + ") is a dynamometer: use tempoload.v1.DynamometerTest"};
  v1::StartSetRequest raw = given;
  std::string context;  // names an assigned prescription in errors
  origin.set_source(v1::PRESCRIPTION_SOURCE_REQUEST);
  std::string which_error;
  const CalfProtocol protocol = requested_protocol(raw, which_error);
  if (!which_error.empty()) return {grpc::StatusCode::INVALID_ARGUMENT, which_error};
  v1::StartSetRequest req;
  if (protocol == CalfProtocol::kTempoSets) {
    if (!raw.has_set() && assigned_) {
      // No set given: the athlete's assigned prescription (a bounded wait on the gym server).
      if (auto error = validate_id("athlete_id", raw.athlete_id()); !error.empty())
        return {grpc::StatusCode::INVALID_ARGUMENT, error};
      auto resolved = assigned_->resolve(raw.athlete_id());
      if (resolved.status == ResolvedPrescription::Status::kNotFound)
        return {grpc::StatusCode::NOT_FOUND, "set: not given, and " + resolved.error};
      if (resolved.status == ResolvedPrescription::Status::kUnavailable)
        return {grpc::StatusCode::UNAVAILABLE, "set: not given, and " + resolved.error};
      *raw.mutable_set() = resolved.prescription.set();
      origin = resolved.origin;
      context = "assigned prescription v" + std::to_string(origin.version()) + ": ";
    }
    if (auto error = validate(raw, machine_.max_force_n, machine_.travel_m); !error.empty())
      return {grpc::StatusCode::INVALID_ARGUMENT, context + error};
    req = with_defaults(raw, machine_.travel_m);
    if (auto status = resolve_rm_load(req.athlete_id(), *req.mutable_set()); !status.ok())
      return {status.error_code(), context + status.error_message()};
    if (auto error = check_plan(req.set(), machine_.max_force_n); !error.empty())
      return {grpc::StatusCode::INVALID_ARGUMENT, context + error};
  } else if (auto status = resolve_protocol(raw, req); !status.ok()) {
    return status;
  }

  std::lock_guard lock(start_mutex_);
  if (auto busy = worker_.busy())
    return {grpc::StatusCode::FAILED_PRECONDITION,
            "a set is already running (session " + busy->session_id + "); stop it first"};
  if (!runner_.machine_responding())
    return {grpc::StatusCode::UNAVAILABLE, "the machine is not responding over Modbus"};
  const auto status = runner_.last_status();
  if (status & (1u << static_cast<unsigned>(drivers::StatusBit::kEstop)))
    return {grpc::StatusCode::FAILED_PRECONDITION,
            "the e-stop is pressed: release it and reset the machine before starting"};

  session_id = new_session_id(machine_.machine_id);
  // What the store and the worker see as the prescription of each set (an RM test: its
  // attempts' tempo at the first attempt's load).
  v1::SetPrescription prescription = req.set();
  if (protocol == CalfProtocol::kRmTest) {
    prescription = attempt_prescription(req.rm_test());
    prescription.set_load_n(
        std::min(req.rm_test().start_fraction() * req.rm_test().estimated_load_n(),
                 req.rm_test().max_load_n()));
  }
  SessionStart start{session_id,     req.athlete_id(), machine_.machine_id,
                     machine_.model, unix_ms(),        prescription,
                     origin};
  start.tempo_sets = protocol == CalfProtocol::kTempoSets || protocol == CalfProtocol::kRmTest;
  try {
    store_.begin_session(start);
  } catch (const StoreError& e) {
    return {grpc::StatusCode::UNAVAILABLE, std::string("storage: ") + e.what()};
  }
  const std::uint32_t set_id = next_set_id_++;
  worker_.expect(
      SessionPlan{session_id, set_id, prescription, req.athlete_id(), false, protocol, req});

  ControlRequest cr;
  cr.kind = ControlKind::kStartSet;
  cr.set_id = set_id;
  cr.protocol = protocol;
  cr.range = to_range(req.range());
  switch (protocol) {
    case CalfProtocol::kTempoSets:
      cr.plan = to_plan(req.set());
      break;
    case CalfProtocol::kIsometricHold:
      cr.isometric = to_spec(req.isometric());
      break;
    case CalfProtocol::kMvicTest:
      cr.mvic = to_spec(req.mvic_test());
      break;
    case CalfProtocol::kRmTest:
      cr.rm_test = to_spec(req.rm_test());
      break;
    case CalfProtocol::kHeelRiseTest:
      cr.heel_rise = to_spec(req.heel_rise_test());
      break;
  }
  if (!runner_.post(cr))
    return {grpc::StatusCode::RESOURCE_EXHAUSTED, "control loop request queue is full"};
  if (protocol == CalfProtocol::kTempoSets)
    spdlog::info("session {} started for athlete {}: {} x {} reps at {:.0f} N", session_id,
                 req.athlete_id(), std::max<std::uint32_t>(1, req.set().sets()), req.set().reps(),
                 req.set().load_n());
  else
    spdlog::info("session {} started for athlete {}: {}", session_id, req.athlete_id(),
                 to_string(protocol));
  if (const std::string cue = origin_cue(origin); !cue.empty()) {
    spdlog::info("session {}: {}{}", session_id, cue,
                 origin.note().empty() ? "" : " (" + origin.note() + ")");
    v1::GuidanceEvent ev;
    ev.set_session_id(session_id);
    ev.set_cue(cue);
    hub_.publish(ev, true);
  }
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* GuidedSessionService::StartSet(grpc::CallbackServerContext* ctx,
                                                         const v1::StartSetRequest* req,
                                                         v1::StartSetResponse* resp) {
  std::string session_id;
  v1::PrescriptionOrigin origin;
  auto status = start_set(*req, session_id, origin);
  if (status.ok()) {
    resp->set_session_id(session_id);
    *resp->mutable_origin() = origin;
  }
  return finish(ctx, status);
}

grpc::ServerWriteReactor<v1::GuidanceEvent>* GuidedSessionService::WatchSession(
    grpc::CallbackServerContext* ctx, const v1::WatchSessionRequest* req) {
  const double rate = req->tick_rate_hz() == 0 ? 20.0 : req->tick_rate_hz();
  if (!(rate >= 1 && rate <= 100))
    return new RejectedStream<v1::GuidanceEvent>(
        {grpc::StatusCode::INVALID_ARGUMENT,
         "tick_rate_hz: must be in [1, 100] Hz or 0 for 20 Hz"});
  if (!hub_.knows(req->session_id())) {
    // A finished session from an earlier run: replay its stored result.
    if (auto report = store_.load_report(req->session_id());
        report && report->ended_at_unix_ms() > 0) {
      hub_.open_session(req->session_id());
      for (const auto& set : report->sets()) {
        v1::GuidanceEvent ev;
        ev.set_session_id(req->session_id());
        *ev.mutable_set_finished() = set;
        hub_.publish(ev, true);
      }
      v1::GuidanceEvent done;
      done.set_session_id(req->session_id());
      *done.mutable_session_finished() = *report;
      hub_.publish(done, true);
    }
  }
  return new WatchReactor(hub_, req->session_id(), rate);
}

grpc::ServerUnaryReactor* GuidedSessionService::StopSet(grpc::CallbackServerContext* ctx,
                                                        const v1::StopSetRequest* req,
                                                        v1::StopSetResponse*) {
  if (req->session_id().empty())
    return finish(ctx, {grpc::StatusCode::INVALID_ARGUMENT, "session_id: required"});
  const auto busy = worker_.busy();
  if (!busy || busy->session_id != req->session_id())
    return finish(ctx, {grpc::StatusCode::FAILED_PRECONDITION,
                        "session_id: '" + req->session_id() + "' is not the running set"});
  ControlRequest cr;
  cr.kind = ControlKind::kStopSet;
  cr.set_id = busy->set_id;
  if (!runner_.post(cr))
    return finish(ctx,
                  {grpc::StatusCode::RESOURCE_EXHAUSTED, "control loop request queue is full"});
  return finish(ctx, grpc::Status::OK);
}

// A stored session the caller may see: INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED (a coach
// sees only their athletes' sessions, an athlete only their own) or UNAVAILABLE otherwise.
grpc::Status GuidedSessionService::visible_report(const grpc::CallbackServerContext& ctx,
                                                  const std::string& session_id,
                                                  v1::SessionReport& report) {
  if (session_id.empty()) return {grpc::StatusCode::INVALID_ARGUMENT, "session_id: required"};
  try {
    auto stored = store_.load_report(session_id);
    if (!stored)
      return {grpc::StatusCode::NOT_FOUND, "session_id: no session '" + session_id + "'"};
    if (auto denied = CallerScope::of(ctx).check("session_id", stored->athlete_id()); !denied.ok())
      return denied;
    report = std::move(*stored);
  } catch (const StoreError& e) {
    return {grpc::StatusCode::UNAVAILABLE, std::string("storage: ") + e.what()};
  }
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* GuidedSessionService::GetSessionReport(
    grpc::CallbackServerContext* ctx, const v1::GetSessionReportRequest* req,
    v1::SessionReport* resp) {
  return finish(ctx, visible_report(*ctx, req->session_id(), *resp));
}

grpc::Status GuidedSessionService::resolve_rm_load(const std::string& athlete_id,
                                                   v1::SetPrescription& set) {
  const std::uint32_t n = set.target_rm();
  if (n == 0) return grpc::Status::OK;
  std::optional<double> one_rm;
  try {
    one_rm = store_.with_db([&](Database& db) { return latest_one_rm_n(db, athlete_id); });
  } catch (const StoreError& e) {
    return {grpc::StatusCode::UNAVAILABLE, std::string("storage: ") + e.what()};
  }
  const std::string rm = std::to_string(n) + "RM";
  if (!one_rm)
    return {grpc::StatusCode::INVALID_ARGUMENT,
            "set.target_rm: a " + rm +
                " load needs an RM test or an RM estimate on record for "
                "athlete '" +
                athlete_id + "' (Coach.RecordTestResult); none is"};
  const auto load = protocols::load_for_rm(*one_rm, static_cast<int>(n),
                                           protocols::RmFormula::kEpley, kMaxTargetRm);
  if (!load.valid) return {grpc::StatusCode::INVALID_ARGUMENT, "set.target_rm: " + load.refusal};
  if (load.load_n > machine_.max_force_n) {
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "set.target_rm: the %s load %.0f N (%s, 1RM %.0f N) is above the machine's "
                  "limit %.0f N",
                  rm.c_str(), load.load_n, load.formula_text.c_str(), *one_rm,
                  machine_.max_force_n);
    return {grpc::StatusCode::INVALID_ARGUMENT, buf};
  }
  set.set_load_n(load.load_n);
  spdlog::info("athlete {}: {} = {:.0f} N from 1RM {:.0f} N ({})", athlete_id, rm, load.load_n,
               *one_rm, load.formula_text);
  return grpc::Status::OK;
}

grpc::Status GuidedSessionService::resolve_protocol(const v1::StartSetRequest& raw,
                                                    v1::StartSetRequest& req) {
  auto invalid = [](const std::string& e) -> grpc::Status {
    return {grpc::StatusCode::INVALID_ARGUMENT, e};
  };
  if (auto error = validate_id("athlete_id", raw.athlete_id()); !error.empty())
    return invalid(error);
  req = raw;
  if (!req.has_range()) {
    req.mutable_range()->set_bottom_m(0);
    req.mutable_range()->set_top_m(machine_.travel_m);
  }
  if (auto error = validate_range(req.range(), machine_.travel_m); !error.empty())
    return invalid(error);
  std::string error;
  try {
    if (req.has_isometric()) {
      auto& p = *req.mutable_isometric();
      if (!(error = with_defaults(p, req.range())).empty()) return invalid(error);
      if (p.mvic_n() == 0) {
        // The MVIC on record: the leg's, or both legs' summed.
        auto latest = [&](int side) {
          return store_.with_db(
              [&](Database& db) { return latest_mvic_n(db, raw.athlete_id(), side); });
        };
        std::optional<double> mvic;
        if (p.leg() == v1::LEG_LEFT) mvic = latest(0);
        if (p.leg() == v1::LEG_RIGHT) mvic = latest(1);
        if (p.leg() == v1::LEG_UNSPECIFIED) {
          const auto l = latest(0), r = latest(1);
          if (l && r) mvic = *l + *r;
        }
        if (!mvic)
          return invalid(
              "isometric.mvic_n: not given, and athlete '" + raw.athlete_id() +
              "' has no MVIC test on record for " +
              (p.leg() == v1::LEG_UNSPECIFIED ? std::string("both legs") : v1::Leg_Name(p.leg())) +
              ": run an MVIC test (StartSet mvic_test) or give mvic_n");
        p.set_mvic_n(*mvic);
      }
    } else if (req.has_mvic_test()) {
      if (!(error = with_defaults(*req.mutable_mvic_test(), req.range())).empty())
        return invalid(error);
    } else if (req.has_rm_test()) {
      auto& p = *req.mutable_rm_test();
      if (!(error = with_defaults(p, machine_.max_force_n)).empty()) return invalid(error);
      if (p.estimated_load_n() == 0) {
        const auto one_rm =
            store_.with_db([&](Database& db) { return latest_one_rm_n(db, raw.athlete_id()); });
        if (!one_rm)
          return invalid("rm_test.estimated_load_n: not given, and athlete '" + raw.athlete_id() +
                         "' has no RM test or estimate on record");
        const auto load = protocols::load_for_rm(*one_rm, static_cast<int>(p.target_rm()),
                                                 protocols::RmFormula::kEpley, kMaxTargetRm);
        if (!load.valid) return invalid("rm_test.target_rm: " + load.refusal);
        p.set_estimated_load_n(load.load_n);
      }
    } else if (req.has_heel_rise_test()) {
      if (!(error = with_defaults(*req.mutable_heel_rise_test(), machine_.max_force_n)).empty())
        return invalid(error);
    }
  } catch (const StoreError& e) {
    return {grpc::StatusCode::UNAVAILABLE, std::string("storage: ") + e.what()};
  }
  return grpc::Status::OK;
}

grpc::Status GuidedSessionService::running_set(const std::string& session_id,
                                               SessionPlan& plan) const {
  if (session_id.empty()) return {grpc::StatusCode::INVALID_ARGUMENT, "session_id: required"};
  const auto busy = worker_.busy();
  if (!busy || busy->session_id != session_id)
    return {grpc::StatusCode::FAILED_PRECONDITION,
            "session_id: '" + session_id + "' is not the running set"};
  plan = *busy;
  return grpc::Status::OK;
}

grpc::Status GuidedSessionService::post(ControlKind kind, std::uint32_t set_id, int pain_0_10) {
  ControlRequest cr;
  cr.kind = kind;
  cr.set_id = set_id;
  cr.pain_0_10 = pain_0_10;
  if (!runner_.post(cr))
    return {grpc::StatusCode::RESOURCE_EXHAUSTED, "control loop request queue is full"};
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* GuidedSessionService::IdentifyAthlete(
    grpc::CallbackServerContext* ctx, const v1::IdentifyAthleteRequest* req,
    v1::IdentifyAthleteResponse* resp) {
  if (auto error = validate_id("athlete_id", req->athlete_id()); !error.empty())
    return finish(ctx, {grpc::StatusCode::INVALID_ARGUMENT, error});
  AthleteVisit visit;
  try {
    visit = identify_athlete(store_, req->athlete_id(), unix_ms());
  } catch (const StoreError& e) {
    return finish(ctx, {grpc::StatusCode::UNAVAILABLE, std::string("storage: ") + e.what()});
  }
  resp->set_athlete_id(req->athlete_id());
  resp->set_first_visit(visit.first_visit);
  resp->set_first_seen_unix_ms(visit.first_seen_unix_ms);
  resp->set_sessions_on_this_machine(visit.sessions);
  resp->set_last_session_id(visit.last_session_id);
  resp->set_last_session_unix_ms(visit.last_session_unix_ms);
  std::string greeting = visit.first_visit ? "Welcome" : "Welcome back";
  if (assigned_) {
    auto resolved = assigned_->resolve(req->athlete_id());
    if (resolved.status == ResolvedPrescription::Status::kOk) {
      *resp->mutable_prescription() = resolved.prescription.set();
      *resp->mutable_prescription_origin() = resolved.origin;
      char buf[96];
      std::snprintf(buf, sizeof buf, ": today %u reps at %.0f N",
                    resolved.prescription.set().reps(), resolved.prescription.set().load_n());
      greeting += buf;
    } else {
      greeting += ": no prescription yet, ask your coach";
    }
  }
  resp->set_greeting(greeting);
  spdlog::info("athlete {} identified{}", req->athlete_id(), visit.first_visit ? " (new)" : "");
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* GuidedSessionService::PauseSet(grpc::CallbackServerContext* ctx,
                                                         const v1::PauseSetRequest* req,
                                                         v1::PauseSetResponse* resp) {
  SessionPlan plan;
  if (auto status = running_set(req->session_id(), plan); !status.ok()) return finish(ctx, status);
  if (plan.protocol != CalfProtocol::kTempoSets && plan.protocol != CalfProtocol::kRmTest)
    return finish(ctx, {grpc::StatusCode::FAILED_PRECONDITION,
                        std::string("session_id: the ") + to_string(plan.protocol) +
                            " cannot pause (the athlete sets the force): stop it instead"});
  if (!worker_.set_paused(plan.set_id, true))
    return finish(ctx, {grpc::StatusCode::FAILED_PRECONDITION,
                        "session_id: '" + req->session_id() + "' is already paused"});
  if (auto status = post(ControlKind::kPauseSet, plan.set_id); !status.ok()) {
    worker_.set_paused(plan.set_id, false);
    return finish(ctx, status);
  }
  resp->set_max_pause_s(plan.prescription.max_hold_s());
  spdlog::info("session {} paused", req->session_id());
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* GuidedSessionService::ResumeSet(grpc::CallbackServerContext* ctx,
                                                          const v1::ResumeSetRequest* req,
                                                          v1::ResumeSetResponse*) {
  SessionPlan plan;
  if (auto status = running_set(req->session_id(), plan); !status.ok()) return finish(ctx, status);
  if (!worker_.set_paused(plan.set_id, false))
    return finish(ctx, {grpc::StatusCode::FAILED_PRECONDITION,
                        "session_id: '" + req->session_id() + "' is not paused"});
  if (auto status = post(ControlKind::kResumeSet, plan.set_id); !status.ok()) {
    worker_.set_paused(plan.set_id, true);
    return finish(ctx, status);
  }
  spdlog::info("session {} resumed", req->session_id());
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* GuidedSessionService::ReportPain(grpc::CallbackServerContext* ctx,
                                                           const v1::ReportPainRequest* req,
                                                           v1::ReportPainResponse* resp) {
  if (req->session_id().empty())
    return finish(ctx, {grpc::StatusCode::INVALID_ARGUMENT, "session_id: required"});
  if (req->pain_0_10() > 10)
    return finish(ctx, {grpc::StatusCode::INVALID_ARGUMENT,
                        "pain_0_10: must be 0..10, got " + std::to_string(req->pain_0_10())});
  if (req->location().size() > 64)
    return finish(ctx, {grpc::StatusCode::INVALID_ARGUMENT, "location: at most 64 characters"});

  // The running set, or a session stored earlier (pain after the set still counts).
  SessionPlan plan;
  const bool running = running_set(req->session_id(), plan).ok();
  std::string athlete_id = plan.athlete_id;
  std::uint32_t limit = kDefaultPainLimit;
  if (running) {
    if (plan.prescription.pain_limit_0_10() > 0) limit = plan.prescription.pain_limit_0_10();
  } else {
    std::optional<v1::SessionReport> report;
    try {
      report = store_.load_report(req->session_id());
    } catch (const StoreError& e) {
      return finish(ctx, {grpc::StatusCode::UNAVAILABLE, std::string("storage: ") + e.what()});
    }
    if (!report)
      return finish(
          ctx, {grpc::StatusCode::NOT_FOUND, "session_id: no session '" + req->session_id() + "'"});
    athlete_id = report->athlete_id();
    if (report->sets_size() > 0 && report->sets(0).prescription().pain_limit_0_10() > 0)
      limit = report->sets(0).prescription().pain_limit_0_10();
  }
  const bool stop = running && req->pain_0_10() > limit;
  if (stop) {
    // Safety first: the unload is queued before anything is written.
    if (auto status = post(ControlKind::kPainStop, plan.set_id, static_cast<int>(req->pain_0_10()));
        !status.ok())
      return finish(ctx, status);
  }
  try {
    record_pain(store_, PainReport{req->session_id(), athlete_id, unix_ms(),
                                   static_cast<int>(req->pain_0_10()), req->location(), stop});
  } catch (const StoreError& e) {
    return finish(ctx, {grpc::StatusCode::UNAVAILABLE, std::string("storage: ") + e.what()});
  }
  resp->set_set_stopped(stop);
  resp->set_pain_limit(limit);
  const std::string rating = "Pain " + std::to_string(req->pain_0_10()) + "/10";
  if (stop) {
    resp->set_advice(rating + " is above " + std::to_string(limit) +
                     ": set stopped and the machine unloaded. Tell your coach.");
    v1::GuidanceEvent ev;
    ev.set_session_id(req->session_id());
    ev.set_cue(resp->advice());
    hub_.publish(ev, true);
  } else if (req->pain_0_10() > limit) {
    resp->set_advice(rating + " is above " + std::to_string(limit) + ": tell your coach.");
  } else {
    resp->set_advice(rating + " is acceptable (" + std::to_string(limit) + " or less).");
  }
  spdlog::info("session {}: pain {}/10 reported{}", req->session_id(), req->pain_0_10(),
               stop ? ", set stopped" : "");
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* GuidedSessionService::GetSessionSummary(
    grpc::CallbackServerContext* ctx, const v1::GetSessionSummaryRequest* req,
    v1::SessionSummary* resp) {
  if (auto busy = worker_.busy(); busy && busy->session_id == req->session_id())
    return finish(ctx, {grpc::StatusCode::FAILED_PRECONDITION,
                        "session_id: '" + req->session_id() + "' is still running"});
  v1::SessionReport report;
  if (auto status = visible_report(*ctx, req->session_id(), report); !status.ok())
    return finish(ctx, status);
  try {
    *resp = summarize_session(report, pain_reports(store_, req->session_id()));
  } catch (const StoreError& e) {
    return finish(ctx, {grpc::StatusCode::UNAVAILABLE, std::string("storage: ") + e.what()});
  }
  return finish(ctx, grpc::Status::OK);
}

}  // namespace tempoload::plugin
