// Tempo state machine and rep detection for one set: turns motion samples into phases and
// judged reps. Pure: no I/O, no clock, no allocation in update().
//
// Detection works in the normalised position p = (x - bottom) / (top - bottom) of the athlete's
// calibrated range, so it holds on a heel raise's short travel (a few cm). Movement is "up" or
// "down" when |velocity| exceeds a deadband (default 5% of the range per second) and the
// position has moved out of the band it started in; pauses are the time between. Phase
// durations run from the first sample that moved to the first sample that stopped.
// A rep is complete when the platform is back in the bottom band after moving down.
#pragma once

#include "protocols/rep_metrics.hpp"
#include "protocols/rep_types.hpp"
#include "protocols/set_spec.hpp"

namespace tempoload::protocols {

struct TrackerTuning {
  double still_velocity_fraction = 0.05;  // deadband: |v| below this x range per second is still
  double bottom_band = 0.15;  // p at or below this is "at the bottom"
  double top_band = 0.85;     // p at or above this reached the top
};

class TempoTracker {
 public:
  TempoTracker(const SetSpec& spec, const RangeOfMotion& rom, const TrackerTuning& tuning = {});

  // Feeds one sample (times must not decrease). Returns true when a rep completed on this
  // sample; last_rep() then holds it.
  bool update(const MotionSample& s);

  Phase phase() const;                  // kReady, kConcentric, kTopPause, kEccentric, kBottomPause
  double phase_elapsed_s(double t_s) const;  // time in the current phase [s]
  double phase_target_s() const;        // prescribed duration of the current phase [s]; 0 if none
  double target_position_m(double t_s) const;  // where the tempo says the platform should be
  const RepMetrics& last_rep() const;
  int reps_counted() const;
  int reps_attempted() const;
  double last_rep_start_t_s() const;    // start of the latest concentric, or -1 before any
  bool in_rep() const;                  // a rep is under way (concentric, top pause, eccentric)
};

}  // namespace tempoload::protocols
