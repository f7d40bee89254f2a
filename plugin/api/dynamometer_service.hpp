// tempoload.v1.DynamometerTest over gRPC's callback API: the host software starts a dynamometer
// test or training, watches it and stops it; the stored report comes from
// GuidedSession.GetSessionReport like any session's. Never blocks a gRPC thread for long.
#pragma once

#include <mutex>
#include <string>

#include "drivers/register_map.hpp"
#include "plugin/loop/set_runner.hpp"
#include "plugin/session/dynamometer_worker.hpp"
#include "plugin/storage/session_store.hpp"
#include "tempoload/v1/dynamometer.grpc.pb.h"

namespace tempoload::plugin {

struct DynamometerMachine {
  std::string machine_id;
  std::string model;
  drivers::MachineKind kind = drivers::MachineKind::kDynamometer;
  drivers::MachineLimits limits;
};

class DynamometerService final : public tempoload::v1::DynamometerTest::CallbackService {
 public:
  DynamometerService(SetRunner& runner, DynamometerWorker& worker, SessionStore& store,
                     DynamometerHub& hub, DynamometerMachine machine);

  grpc::ServerUnaryReactor* StartTest(grpc::CallbackServerContext* ctx,
                                      const tempoload::v1::StartDynamometerTestRequest* req,
                                      tempoload::v1::StartDynamometerTestResponse* resp) override;
  grpc::ServerWriteReactor<tempoload::v1::DynamometerEvent>* WatchTest(
      grpc::CallbackServerContext* ctx,
      const tempoload::v1::WatchDynamometerTestRequest* req) override;
  grpc::ServerUnaryReactor* StopTest(grpc::CallbackServerContext* ctx,
                                     const tempoload::v1::StopDynamometerTestRequest* req,
                                     tempoload::v1::StopDynamometerTestResponse* resp) override;

 private:
  grpc::Status start(const tempoload::v1::StartDynamometerTestRequest& req,
                     std::string& session_id);

  SetRunner& runner_;
  DynamometerWorker& worker_;
  SessionStore& store_;
  DynamometerHub& hub_;
  DynamometerMachine machine_;
  std::mutex start_mutex_;                // one StartTest at a time
  std::uint32_t next_set_id_ = 1u << 30;  // apart from GuidedSession's ids
};

}  // namespace tempoload::plugin
