#include "plugin/api/prescription_service.hpp"

#include <spdlog/spdlog.h>

#include "plugin/session/proto_conversion.hpp"
#include "plugin/session/wall_clock.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

grpc::ServerUnaryReactor* finish(grpc::CallbackServerContext* ctx, grpc::Status status) {
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(std::move(status));
  return reactor;
}

}  // namespace

PrescriptionService::PrescriptionService(PrescriptionSync& sync, PrescriptionStore& store,
                                         MachineInfo machine,
                                         std::function<void()> on_change_queued)
    : sync_(sync),
      store_(store),
      machine_(std::move(machine)),
      on_change_queued_(std::move(on_change_queued)) {}

grpc::ServerUnaryReactor* PrescriptionService::GetPrescription(
    grpc::CallbackServerContext* ctx, const v1::GetPrescriptionRequest* req,
    v1::GetPrescriptionResponse* resp) {
  if (auto error = validate_id("athlete_id", req->athlete_id()); !error.empty())
    return finish(ctx, {grpc::StatusCode::INVALID_ARGUMENT, error});
  try {
    auto r = sync_.resolve(req->athlete_id());
    if (r.status == ResolvedPrescription::Status::kNotFound)
      return finish(ctx, {grpc::StatusCode::NOT_FOUND, r.error});
    if (r.status == ResolvedPrescription::Status::kUnavailable)
      return finish(ctx, {grpc::StatusCode::UNAVAILABLE, r.error});
    *resp->mutable_prescription() = std::move(r.prescription);
    *resp->mutable_origin() = std::move(r.origin);
  } catch (const StoreError& e) {
    return finish(ctx, {grpc::StatusCode::UNAVAILABLE, std::string("storage: ") + e.what()});
  }
  return finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* PrescriptionService::UpdatePrescription(
    grpc::CallbackServerContext* ctx, const v1::UpdatePrescriptionRequest* req,
    v1::UpdatePrescriptionResponse* resp) {
  if (auto error = validate_id("updated_by", req->updated_by()); !error.empty())
    return finish(ctx, {grpc::StatusCode::INVALID_ARGUMENT, error});
  // The same checks as a StartSet with this set, so an accepted edit can run on this machine.
  v1::StartSetRequest as_start;
  as_start.set_athlete_id(req->athlete_id());
  if (req->has_set()) *as_start.mutable_set() = req->set();
  if (auto error = validate(as_start, machine_.max_force_n, machine_.travel_m); !error.empty())
    return finish(ctx, {grpc::StatusCode::INVALID_ARGUMENT, error});
  try {
    const auto row = store_.record_edit(req->athlete_id(), req->base_version(), req->set(),
                                        req->updated_by(), machine_.machine_id, unix_ms());
    resp->set_change_id(row.change_id);
    resp->set_version(row.version);
    spdlog::info(
        "prescription of athlete {} changed by {} from v{} (change {}): queued for the "
        "gym server",
        req->athlete_id(), req->updated_by(), req->base_version(), row.change_id);
  } catch (const StoreError& e) {
    return finish(ctx, {grpc::StatusCode::UNAVAILABLE, std::string("storage: ") + e.what()});
  }
  if (on_change_queued_) on_change_queued_();
  return finish(ctx, grpc::Status::OK);
}

}  // namespace tempoload::plugin
