// tempoload.v1.GuidedSession over gRPC's callback API: the machine's host software starts a
// set, watches its guidance and gets the stored report. Never blocks a gRPC thread for long.
#pragma once

#include <mutex>
#include <string>

#include "plugin/loop/set_runner.hpp"
#include "plugin/session/guidance_hub.hpp"
#include "plugin/session/session_worker.hpp"
#include "plugin/storage/session_store.hpp"
#include "plugin/sync/prescription_sync.hpp"
#include "tempoload/v1/guided_session.grpc.pb.h"

namespace tempoload::plugin {

struct MachineInfo {
  std::string machine_id;
  std::string model;
  double max_force_n = 0;
  double travel_m = 0;
  drivers::MachineKind kind = drivers::MachineKind::kCalfRaise;  // StartSet needs a calf raise
};

class GuidedSessionService final : public tempoload::v1::GuidedSession::CallbackService {
 public:
  // `assigned` (may be null) resolves an athlete's assigned prescription for a StartSet
  // without a set.
  GuidedSessionService(SetRunner& runner, SessionWorker& worker, SessionStore& store,
                       GuidanceHub& hub, MachineInfo machine, PrescriptionSync* assigned = nullptr);

  grpc::ServerUnaryReactor* StartSet(grpc::CallbackServerContext* ctx,
                                     const tempoload::v1::StartSetRequest* req,
                                     tempoload::v1::StartSetResponse* resp) override;
  grpc::ServerWriteReactor<tempoload::v1::GuidanceEvent>* WatchSession(
      grpc::CallbackServerContext* ctx, const tempoload::v1::WatchSessionRequest* req) override;
  grpc::ServerUnaryReactor* StopSet(grpc::CallbackServerContext* ctx,
                                    const tempoload::v1::StopSetRequest* req,
                                    tempoload::v1::StopSetResponse* resp) override;
  grpc::ServerUnaryReactor* GetSessionReport(grpc::CallbackServerContext* ctx,
                                             const tempoload::v1::GetSessionReportRequest* req,
                                             tempoload::v1::SessionReport* resp) override;
  grpc::ServerUnaryReactor* IdentifyAthlete(grpc::CallbackServerContext* ctx,
                                            const tempoload::v1::IdentifyAthleteRequest* req,
                                            tempoload::v1::IdentifyAthleteResponse* resp) override;
  grpc::ServerUnaryReactor* PauseSet(grpc::CallbackServerContext* ctx,
                                     const tempoload::v1::PauseSetRequest* req,
                                     tempoload::v1::PauseSetResponse* resp) override;
  grpc::ServerUnaryReactor* ResumeSet(grpc::CallbackServerContext* ctx,
                                      const tempoload::v1::ResumeSetRequest* req,
                                      tempoload::v1::ResumeSetResponse* resp) override;
  grpc::ServerUnaryReactor* ReportPain(grpc::CallbackServerContext* ctx,
                                       const tempoload::v1::ReportPainRequest* req,
                                       tempoload::v1::ReportPainResponse* resp) override;
  grpc::ServerUnaryReactor* GetSessionSummary(grpc::CallbackServerContext* ctx,
                                              const tempoload::v1::GetSessionSummaryRequest* req,
                                              tempoload::v1::SessionSummary* resp) override;

 private:
  grpc::Status start_set(const tempoload::v1::StartSetRequest& req, std::string& session_id,
                         tempoload::v1::PrescriptionOrigin& origin);
  // The running set of `session_id`, or FAILED_PRECONDITION naming the field.
  // The isometric, MVIC, RM or heel-rise prescription of `raw`, checked, with its defaults and
  // the athlete's MVIC or RM on record filled in (INVALID_ARGUMENT naming the field).
  grpc::Status resolve_protocol(const tempoload::v1::StartSetRequest& raw,
                                tempoload::v1::StartSetRequest& req);
  grpc::Status running_set(const std::string& session_id, SessionPlan& plan) const;
  // SetPrescription.target_rm: fills in load_n from the athlete's latest RM test (Epley), or
  // refuses naming the field.
  grpc::Status resolve_rm_load(const std::string& athlete_id, tempoload::v1::SetPrescription& set);
  grpc::Status post(ControlKind kind, std::uint32_t set_id, int pain_0_10 = 0);
  grpc::Status visible_report(const grpc::CallbackServerContext& ctx, const std::string& session_id,
                              tempoload::v1::SessionReport& report);

  SetRunner& runner_;
  SessionWorker& worker_;
  SessionStore& store_;
  GuidanceHub& hub_;
  MachineInfo machine_;
  PrescriptionSync* assigned_;
  std::mutex start_mutex_;  // one StartSet at a time
  std::uint32_t next_set_id_ = 1;
};

}  // namespace tempoload::plugin
