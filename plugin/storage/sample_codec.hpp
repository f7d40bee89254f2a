// Compact encoding of a set's raw samples for the set_samples table ("tls1"): each channel is
// quantised to integers and stored as zigzag varint deltas, about 1-2 bytes per value at the
// tick rate (100 Hz). Format (docs/storage.md, "raw samples"):
//   "TLS1" | varint count | t deltas | force_left deltas | force_right deltas | position deltas
// Quantisation: time 1 ms, forces 0.1 N, position 0.01 mm.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace tempoload::plugin {

struct RawSample {
  double t_s = 0;            // since the set started (loaded) [s]
  double force_left_n = 0;   // [N]
  double force_right_n = 0;  // [N]
  double position_m = 0;     // platform height [m]
};

class SampleCodecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string encode_samples(const std::vector<RawSample>& samples);
// Throws SampleCodecError naming what is wrong (bad magic, truncated channel, too many samples).
std::vector<RawSample> decode_samples(const std::string& blob);

}  // namespace tempoload::plugin
