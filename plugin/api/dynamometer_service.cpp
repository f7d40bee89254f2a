#include "plugin/api/dynamometer_service.hpp"

#include <spdlog/spdlog.h>


#include "plugin/api/event_stream_reactor.hpp"
#include "plugin/api/rpc_helpers.hpp"
#include "plugin/session/dynamometer_request.hpp"
#include "plugin/session/wall_clock.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

struct DynamometerStreamTraits {
  static bool is_tick(const v1::DynamometerEvent& e) { return e.has_tick(); }
  static bool is_last(const v1::DynamometerEvent& e) { return e.has_finished(); }
};
using DynamometerStream = EventStreamReactor<v1::DynamometerEvent, DynamometerStreamTraits>;

}  // namespace

DynamometerService::DynamometerService(SetRunner& runner, DynamometerWorker& worker,
                                       SessionStore& store, DynamometerHub& hub,
                                       DynamometerMachine machine)
    : runner_(runner), worker_(worker), store_(store), hub_(hub), machine_(std::move(machine)) {}

grpc::Status DynamometerService::start(const v1::StartDynamometerTestRequest& raw,
                                       std::string& session_id) {
  if (machine_.kind != drivers::MachineKind::kDynamometer)
    return {grpc::StatusCode::FAILED_PRECONDITION,
            "this machine (" + machine_.model + ") is not a dynamometer: use GuidedSession"};
  if (auto error = validate(raw, machine_.limits); !error.empty())
    return {grpc::StatusCode::INVALID_ARGUMENT, error};
  const v1::StartDynamometerTestRequest req = with_defaults(raw, machine_.limits);

  std::lock_guard lock(start_mutex_);
  if (auto busy = worker_.busy(); busy || runner_.set_active())
    return {grpc::StatusCode::FAILED_PRECONDITION,
            "a session is already running" +
                (busy ? " (session " + busy->session_id + ")" : std::string()) + "; stop it first"};
  if (!runner_.machine_responding())
    return {grpc::StatusCode::UNAVAILABLE, "the machine is not responding over Modbus"};
  if (runner_.last_status() & (1u << static_cast<unsigned>(drivers::StatusBit::kEstop)))
    return {grpc::StatusCode::FAILED_PRECONDITION,
            "the e-stop is pressed: release it and reset the machine before starting"};

  session_id = new_session_id(machine_.machine_id);
  SessionStart s;
  s.session_id = session_id;
  s.athlete_id = req.athlete_id();
  s.machine_id = machine_.machine_id;
  s.machine_model = machine_.model;
  s.started_at_unix_ms = unix_ms();
  try {
    store_.begin_session(s, &req);
  } catch (const StoreError& e) {
    return {grpc::StatusCode::UNAVAILABLE, std::string("storage: ") + e.what()};
  }
  const std::uint32_t set_id = next_set_id_++;
  DynamometerPlan plan{session_id, set_id, req, to_spec(req)};
  worker_.expect(plan);

  ControlRequest cr;
  cr.kind = ControlKind::kStartDynamometerTest;
  cr.set_id = set_id;
  cr.dynamometer = plan.spec;
  if (!runner_.post(cr))
    return {grpc::StatusCode::RESOURCE_EXHAUSTED, "control loop request queue is full"};
  spdlog::info("session {} started for athlete {}: dynamometer, {} series", session_id,
               req.athlete_id(), plan.spec.series_count);
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* DynamometerService::StartTest(grpc::CallbackServerContext* ctx,
                                                        const v1::StartDynamometerTestRequest* req,
                                                        v1::StartDynamometerTestResponse* resp) {
  std::string session_id;
  auto status = start(*req, session_id);
  if (status.ok()) resp->set_session_id(session_id);
  return finish(ctx, status);
}

grpc::ServerWriteReactor<v1::DynamometerEvent>* DynamometerService::WatchTest(
    grpc::CallbackServerContext* ctx, const v1::WatchDynamometerTestRequest* req) {
  const double rate = req->tick_rate_hz() == 0 ? 20.0 : req->tick_rate_hz();
  if (!(rate >= 1 && rate <= 100))
    return new RejectedStream<v1::DynamometerEvent>({grpc::StatusCode::INVALID_ARGUMENT,
                               "tick_rate_hz: must be in [1, 100] Hz or 0 for 20 Hz"});
  if (!hub_.knows(req->session_id())) {
    // A finished session from an earlier run: replay its stored result.
    try {
      if (auto report = store_.load_report(req->session_id());
          report && report->has_dynamometer_test()) {
        hub_.open_session(req->session_id());
        v1::DynamometerEvent ev;
        ev.set_session_id(req->session_id());
        *ev.mutable_finished() = report->dynamometer_test();
        hub_.publish(ev, true);
      }
    } catch (const StoreError& e) {
      return new RejectedStream<v1::DynamometerEvent>(
          {grpc::StatusCode::UNAVAILABLE, std::string("storage: ") + e.what()});
    }
  }
  return new DynamometerStream(hub_, req->session_id(), rate);
}

grpc::ServerUnaryReactor* DynamometerService::StopTest(grpc::CallbackServerContext* ctx,
                                                       const v1::StopDynamometerTestRequest* req,
                                                       v1::StopDynamometerTestResponse*) {
  if (req->session_id().empty())
    return finish(ctx, {grpc::StatusCode::INVALID_ARGUMENT, "session_id: required"});
  const auto busy = worker_.busy();
  if (!busy || busy->session_id != req->session_id())
    return finish(ctx, {grpc::StatusCode::FAILED_PRECONDITION,
                        "session_id: '" + req->session_id() + "' is not the running session"});
  ControlRequest cr;
  cr.kind = ControlKind::kStopSet;
  cr.set_id = busy->set_id;
  if (!runner_.post(cr))
    return finish(ctx,
                  {grpc::StatusCode::RESOURCE_EXHAUSTED, "control loop request queue is full"});
  return finish(ctx, grpc::Status::OK);
}

}  // namespace tempoload::plugin
