// Validation of a StreamSamplesRequest: the bounds of each field and their defaults.
#pragma once

#include <cstdint>
#include <string>

#include "tempoload/v1/telemetry.pb.h"

namespace tempoload::plugin {

inline constexpr std::uint32_t kMaxBatchSize = 1000;        // samples per message
inline constexpr std::uint32_t kDefaultBatchSize = 100;     // when the request says 0
inline constexpr std::uint32_t kMaxBatchDelayMs = 10000;    // [ms]
inline constexpr std::uint32_t kDefaultBatchDelayMs = 250;  // [ms] when the request says 0

struct StreamRequest {
  std::uint32_t batch_size = kDefaultBatchSize;
  std::int64_t max_delay_ns = std::int64_t{kDefaultBatchDelayMs} * 1'000'000;
};

// Fills `out` (defaults applied) and returns "" for a valid request; otherwise returns the
// INVALID_ARGUMENT message, which starts with the field's name.
std::string parse_stream_request(const v1::StreamSamplesRequest& request, StreamRequest& out);

}  // namespace tempoload::plugin
