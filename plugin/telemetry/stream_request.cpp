#include "plugin/telemetry/stream_request.hpp"

namespace tempoload::plugin {

std::string parse_stream_request(const v1::StreamSamplesRequest& request, StreamRequest& out) {
  out = StreamRequest{};
  if (request.batch_size() > kMaxBatchSize)
    return "batch_size: " + std::to_string(request.batch_size()) +
           " samples is above the limit of " + std::to_string(kMaxBatchSize) + " (0 = default " +
           std::to_string(kDefaultBatchSize) + ")";
  if (request.max_batch_delay_ms() > kMaxBatchDelayMs)
    return "max_batch_delay_ms: " + std::to_string(request.max_batch_delay_ms()) +
           " ms is above the limit of " + std::to_string(kMaxBatchDelayMs) + " ms (0 = default " +
           std::to_string(kDefaultBatchDelayMs) + " ms)";
  if (request.batch_size() != 0) out.batch_size = request.batch_size();
  if (request.max_batch_delay_ms() != 0)
    out.max_delay_ns = std::int64_t{request.max_batch_delay_ms()} * 1'000'000;
  return "";
}

}  // namespace tempoload::plugin
