// Wall-clock time for records and reports (never for control: the loop uses CLOCK_MONOTONIC).
#pragma once

#include <chrono>
#include <cstdint>

namespace tempoload::plugin {

// Milliseconds since the Unix epoch.
inline std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tempoload::plugin
