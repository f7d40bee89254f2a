// tempoload.v1.Prescriptions over gRPC's callback API: read the prescription an athlete would
// run here, and let a coach change it at the machine (sent to the gym server like a report).
// GetPrescription waits on the gym server for at most the fetch timeout (2 s by default).
#pragma once

#include <functional>

#include "plugin/api/guided_session_service.hpp"
#include "plugin/storage/prescription_store.hpp"
#include "plugin/sync/prescription_sync.hpp"
#include "tempoload/v1/sync.grpc.pb.h"

namespace tempoload::plugin {

class PrescriptionService final : public tempoload::v1::Prescriptions::CallbackService {
 public:
  PrescriptionService(PrescriptionSync& sync, PrescriptionStore& store, MachineInfo machine,
                      std::function<void()> on_change_queued);

  grpc::ServerUnaryReactor* GetPrescription(grpc::CallbackServerContext* ctx,
                                            const tempoload::v1::GetPrescriptionRequest* req,
                                            tempoload::v1::GetPrescriptionResponse* resp) override;
  grpc::ServerUnaryReactor* UpdatePrescription(
      grpc::CallbackServerContext* ctx, const tempoload::v1::UpdatePrescriptionRequest* req,
      tempoload::v1::UpdatePrescriptionResponse* resp) override;

 private:
  PrescriptionSync& sync_;
  PrescriptionStore& store_;
  MachineInfo machine_;
  std::function<void()> on_change_queued_;
};

}  // namespace tempoload::plugin
