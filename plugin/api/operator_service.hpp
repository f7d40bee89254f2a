// tempoload.v1.Operator over gRPC's callback API: machine status, usage, the fault log,
// calibration (load-cell zero and range limits, stored and applied to the next set), versions
// and export. Operators see machine and usage data, not training detail (caller_scope.hpp).
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "plugin/api/guided_session_service.hpp"
#include "plugin/loop/calibration.hpp"
#include "plugin/loop/control_loop.hpp"
#include "tempoload/v1/operator.grpc.pb.h"

namespace tempoload::plugin {

struct OperatorMachine {
  MachineInfo info;
  std::string map_version;
};

class OperatorService final : public tempoload::v1::Operator::CallbackService {
 public:
  // `running_session`: the id of the session running now, "" when none. Loads the stored
  // calibration into `calibration` (throws StoreError when the database cannot be read).
  OperatorService(SetRunner& runner, const LoopCounters& counters, SessionStore& store,
                  Calibration& calibration, OperatorMachine machine,
                  std::function<std::string()> running_session);

  grpc::ServerUnaryReactor* GetMachineStatus(grpc::CallbackServerContext* ctx,
                                             const tempoload::v1::GetMachineStatusRequest* req,
                                             tempoload::v1::MachineStatus* resp) override;
  grpc::ServerUnaryReactor* GetUsage(grpc::CallbackServerContext* ctx,
                                     const tempoload::v1::GetUsageRequest* req,
                                     tempoload::v1::GetUsageResponse* resp) override;
  grpc::ServerUnaryReactor* ListFaults(grpc::CallbackServerContext* ctx,
                                       const tempoload::v1::ListFaultsRequest* req,
                                       tempoload::v1::ListFaultsResponse* resp) override;
  grpc::ServerUnaryReactor* Calibrate(grpc::CallbackServerContext* ctx,
                                      const tempoload::v1::CalibrateRequest* req,
                                      tempoload::v1::CalibrateResponse* resp) override;
  grpc::ServerUnaryReactor* GetVersions(grpc::CallbackServerContext* ctx,
                                        const tempoload::v1::GetVersionsRequest* req,
                                        tempoload::v1::Versions* resp) override;
  grpc::ServerWriteReactor<tempoload::v1::ExportChunk>* Export(
      grpc::CallbackServerContext* ctx, const tempoload::v1::ExportRequest* req) override;

 private:
  tempoload::v1::Versions versions();
  grpc::Status calibrate(const tempoload::v1::CalibrateRequest& req, const std::string& actor,
                         tempoload::v1::Calibration& out);

  SetRunner& runner_;
  const LoopCounters& counters_;
  SessionStore& store_;
  Calibration& calibration_;
  OperatorMachine machine_;
  std::function<std::string()> running_session_;
  std::int64_t started_at_unix_ms_;
  std::mutex calibrate_mutex_;  // one calibration at a time
};

}  // namespace tempoload::plugin
