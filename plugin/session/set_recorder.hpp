// Records one set's raw samples (the control loop's ticks: time, force per leg, position) and
// the time the machine was loaded, on the session worker's thread, never the loop's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plugin/loop/loop_messages.hpp"
#include "plugin/storage/sample_codec.hpp"

namespace tempoload::plugin {

class SetRecorder {
 public:
  static constexpr std::size_t kMaxSamples = 360'000;  // one hour at the 100 Hz tick rate
  static constexpr double kLoadedThresholdN = 1.0;     // commanded load above this is "loaded"
  static constexpr double kMaxGapS = 0.1;              // a longer gap between ticks adds 0.1 s

  // A kTick event of this set.
  void add(const LoopEvent& tick);

  std::int64_t loaded_ms() const { return static_cast<std::int64_t>(loaded_s_ * 1000.0); }
  std::size_t size() const { return samples_.size(); }
  std::uint64_t over_capacity() const { return over_capacity_; }
  const std::vector<RawSample>& samples() const { return samples_; }
  std::string encode() const { return encode_samples(samples_); }

 private:
  std::vector<RawSample> samples_;
  double loaded_s_ = 0;
  double last_t_s_ = 0;
  bool last_loaded_ = false;
  std::uint64_t over_capacity_ = 0;
};

}  // namespace tempoload::plugin
