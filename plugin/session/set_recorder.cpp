#include "plugin/session/set_recorder.hpp"

#include <algorithm>

namespace tempoload::plugin {

void SetRecorder::add(const LoopEvent& tick) {
  // Loaded time: the interval since the previous tick counts when that tick was loaded.
  if (!samples_.empty() || over_capacity_ > 0) {
    if (last_loaded_) loaded_s_ += std::clamp(tick.t_s - last_t_s_, 0.0, kMaxGapS);
  }
  last_t_s_ = tick.t_s;
  last_loaded_ = tick.load_n > kLoadedThresholdN;
  if (samples_.size() >= kMaxSamples) {
    ++over_capacity_;
    return;
  }
  samples_.push_back(RawSample{tick.t_s, tick.force_left_n, tick.force_right_n, tick.position_m});
}

}  // namespace tempoload::plugin
