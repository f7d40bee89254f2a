// tempoload.v1.Coach over gRPC's callback API: athletes, sessions, reports, prescriptions (with
// a field-level audit), RM/MVIC test results, weekly trends, the progression model, programme
// sessions and morning pain, each scoped to the caller
// (plugin/auth/caller_scope.hpp). Every handler is a few SQLite queries on the gRPC thread.
#pragma once

#include <functional>

#include "plugin/api/guided_session_service.hpp"
#include "plugin/storage/prescription_store.hpp"
#include "tempoload/v1/coach.grpc.pb.h"

namespace tempoload::plugin {

class CoachService final : public tempoload::v1::Coach::CallbackService {
 public:
  // `on_change_queued`: an assigned prescription waits in the outbox (wakes the reporter).
  CoachService(SessionStore& store, PrescriptionStore& prescriptions, MachineInfo machine,
               std::function<void()> on_change_queued);

  grpc::ServerUnaryReactor* ListAthletes(grpc::CallbackServerContext* ctx,
                                         const tempoload::v1::ListAthletesRequest* req,
                                         tempoload::v1::ListAthletesResponse* resp) override;
  grpc::ServerUnaryReactor* GetAthlete(grpc::CallbackServerContext* ctx,
                                       const tempoload::v1::GetAthleteRequest* req,
                                       tempoload::v1::AthleteDetail* resp) override;
  grpc::ServerUnaryReactor* ListSessions(grpc::CallbackServerContext* ctx,
                                         const tempoload::v1::ListSessionsRequest* req,
                                         tempoload::v1::ListSessionsResponse* resp) override;
  grpc::ServerUnaryReactor* GetSessionReport(grpc::CallbackServerContext* ctx,
                                             const tempoload::v1::GetSessionReportRequest* req,
                                             tempoload::v1::SessionReport* resp) override;
  grpc::ServerUnaryReactor* AssignPrescription(
      grpc::CallbackServerContext* ctx, const tempoload::v1::AssignPrescriptionRequest* req,
      tempoload::v1::AssignPrescriptionResponse* resp) override;
  grpc::ServerUnaryReactor* GetPrescriptionHistory(
      grpc::CallbackServerContext* ctx, const tempoload::v1::GetPrescriptionHistoryRequest* req,
      tempoload::v1::PrescriptionHistory* resp) override;
  grpc::ServerUnaryReactor* RecordTestResult(grpc::CallbackServerContext* ctx,
                                             const tempoload::v1::RecordTestResultRequest* req,
                                             tempoload::v1::TestResult* resp) override;
  grpc::ServerUnaryReactor* ListTestResults(grpc::CallbackServerContext* ctx,
                                            const tempoload::v1::ListTestResultsRequest* req,
                                            tempoload::v1::ListTestResultsResponse* resp) override;
  grpc::ServerUnaryReactor* GetTrends(grpc::CallbackServerContext* ctx,
                                      const tempoload::v1::GetTrendsRequest* req,
                                      tempoload::v1::Trends* resp) override;
  // Progression and programmes (issue 3): the pain-monitoring model's decision from the latest
  // calf-raise session, a programme session as prescriptions, the athlete's morning pain.
  grpc::ServerUnaryReactor* GetProgression(grpc::CallbackServerContext* ctx,
                                           const tempoload::v1::GetProgressionRequest* req,
                                           tempoload::v1::ProgressionAdvice* resp) override;
  grpc::ServerUnaryReactor* GetProgrammeSession(
      grpc::CallbackServerContext* ctx, const tempoload::v1::GetProgrammeSessionRequest* req,
      tempoload::v1::ProgrammeSession* resp) override;
  grpc::ServerUnaryReactor* RecordMorningPain(grpc::CallbackServerContext* ctx,
                                              const tempoload::v1::RecordMorningPainRequest* req,
                                              tempoload::v1::MorningPain* resp) override;

 private:
  SessionStore& store_;
  PrescriptionStore& prescriptions_;
  MachineInfo machine_;
  std::function<void()> on_change_queued_;
};

}  // namespace tempoload::plugin
