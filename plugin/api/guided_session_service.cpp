#include "plugin/api/guided_session_service.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "plugin/api/rpc_helpers.hpp"
#include "plugin/api/watch_reactor.hpp"
#include "plugin/session/proto_conversion.hpp"
#include "plugin/session/wall_clock.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

}  // namespace

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
    return {grpc::StatusCode::FAILED_PRECONDITION,
            "this machine (" + machine_.model +
                ") is a dynamometer: use tempoload.v1.DynamometerTest"};
  v1::StartSetRequest raw = given;
  std::string context;  // names an assigned prescription in errors
  origin.set_source(v1::PRESCRIPTION_SOURCE_REQUEST);
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
  const v1::StartSetRequest req = with_defaults(raw, machine_.travel_m);

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
  SessionStart start{session_id,     req.athlete_id(), machine_.machine_id,
                     machine_.model, unix_ms(),        req.set(),
                     origin};
  try {
    store_.begin_session(start);
  } catch (const StoreError& e) {
    return {grpc::StatusCode::UNAVAILABLE, std::string("storage: ") + e.what()};
  }
  const std::uint32_t set_id = next_set_id_++;
  worker_.expect(SessionPlan{session_id, set_id, req.set()});

  ControlRequest cr;
  cr.kind = ControlKind::kStartSet;
  cr.set_id = set_id;
  cr.spec = to_spec(req.set());
  cr.range = to_range(req.range());
  if (!runner_.post(cr))
    return {grpc::StatusCode::RESOURCE_EXHAUSTED, "control loop request queue is full"};
  spdlog::info("session {} started for athlete {}: {} reps at {:.0f} N", session_id,
               req.athlete_id(), req.set().reps(), req.set().load_n());
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
    return new RejectedStream<v1::GuidanceEvent>({grpc::StatusCode::INVALID_ARGUMENT,
                              "tick_rate_hz: must be in [1, 100] Hz or 0 for 20 Hz"});
  if (!hub_.knows(req->session_id())) {
    // A finished session from an earlier run: replay its stored result.
    if (auto report = store_.load_report(req->session_id()); report && report->sets_size() > 0) {
      hub_.open_session(req->session_id());
      v1::GuidanceEvent ev;
      ev.set_session_id(req->session_id());
      *ev.mutable_set_finished() = report->sets(0);
      hub_.publish(ev, true);
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
    return finish(ctx, {grpc::StatusCode::RESOURCE_EXHAUSTED, "control loop request queue is full"});
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* GuidedSessionService::GetSessionReport(
    grpc::CallbackServerContext* ctx, const v1::GetSessionReportRequest* req,
    v1::SessionReport* resp) {
  if (req->session_id().empty())
    return finish(ctx, {grpc::StatusCode::INVALID_ARGUMENT, "session_id: required"});
  try {
    auto report = store_.load_report(req->session_id());
    if (!report)
      return finish(ctx, {grpc::StatusCode::NOT_FOUND,
                          "session_id: no session '" + req->session_id() + "'"});
    *resp = std::move(*report);
  } catch (const StoreError& e) {
    return finish(ctx, {grpc::StatusCode::UNAVAILABLE, std::string("storage: ") + e.what()});
  }
  return finish(ctx, grpc::Status::OK);
}

}  // namespace tempoload::plugin
