// tempoload.v1.Telemetry: the loop's raw samples in batches, one server stream per subscriber,
// fed by the TelemetryHub. A stream never blocks the hub: batches wait in the subscriber's
// bounded queue, and are dropped and counted when it is full.
#pragma once

#include "plugin/telemetry/telemetry_hub.hpp"
#include "tempoload/v1/telemetry.grpc.pb.h"

namespace tempoload::plugin {

class TelemetryService final : public v1::Telemetry::CallbackService {
 public:
  explicit TelemetryService(TelemetryHub& hub) : hub_(hub) {}

  // INVALID_ARGUMENT naming the field; RESOURCE_EXHAUSTED beyond the hub's subscriber bound.
  grpc::ServerWriteReactor<v1::SampleBatch>* StreamSamples(
      grpc::CallbackServerContext* ctx, const v1::StreamSamplesRequest* request) override;

 private:
  TelemetryHub& hub_;
};

}  // namespace tempoload::plugin
