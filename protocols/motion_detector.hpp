// Internal to the protocol engine (TempoTracker's building block, not part of its contract):
// splits a normalised position/velocity stream into still / moving up / moving down, with
// hysteresis, and reports each change with the time it really happened. Pure, no allocation.
//
// Motion is confirmed by position (the platform travelled `excursion` from where it stopped or
// turned), so velocity noise alone never starts one; its onset is backdated to the last sample
// whose velocity was inside the deadband while still within excursion / 2 of the rest position
// (or to the turning point). A stop starts at the first
// sample inside the deadband and is confirmed once the platform stays within `excursion` of it
// for `stop_confirm_s` with most samples inside the deadband.
#pragma once

namespace tempoload::protocols {

enum class Motion { kStill, kUp, kDown };

struct MotionDetectorTuning {
  double still_velocity = 0.05;  // |v| below this reads as still [range/s]
  double excursion = 0.03;       // travel that confirms a motion or cancels a stop [range]
  double stop_confirm_s = 0.08;  // a stop must hold this long [s]
};

// What one sample changed. Positions p are normalised (0 bottom, 1 top).
struct MotionEvents {
  bool stopped = false;    // the motion stopped_dir came to rest at stop_t_s
  bool stop_held = false;  // the stop was confirmed; false: it turned back before that
  Motion stopped_dir = Motion::kStill;
  double stop_t_s = 0;
  double stop_p = 0;
  bool started = false;  // a motion dir began at onset_t_s (reported after `stopped`)
  Motion dir = Motion::kStill;
  double onset_t_s = 0;
  double onset_p = 0;
  double prev_end_t_s = 0;  // where the previous motion ended: its stop or its turning point
  double prev_end_p = 0;
  // Bookkeeping marks so a caller can cut accumulators at backdated times:
  bool up_onset_mark = false;  // an upward motion starting later would be dated to this sample
  bool down_end_mark = false;  // the current downward motion would end at this sample
};

class MotionDetector {
 public:
  explicit MotionDetector(const MotionDetectorTuning& tuning = {});

  // t_s must not decrease; p [range], v [range/s].
  MotionEvents update(double t_s, double p, double v);

  Motion state() const { return state_; }
  double still_since_t_s() const { return state_ == Motion::kStill ? still_since_t_s_ : -1.0; }

 private:
  void begin_motion(Motion dir, double t_s, double p, MotionEvents& ev);
  void try_confirm_stop(double t_s, MotionEvents& ev);

  MotionDetectorTuning tuning_;
  bool initialised_ = false;
  Motion state_ = Motion::kStill;
  // Still: where and since when it rests (the reference for a new motion); the last
  // in-deadband sample near it dates the next onset.
  double still_since_t_s_ = 0;
  double still_p_ = 0;
  double rest_t_s_ = 0;
  double rest_p_ = 0;
  // Moving: the furthest point reached in the direction of travel (a turn's onset).
  double extreme_t_s_ = 0;
  double extreme_p_ = 0;
  // A stop under confirmation.
  bool candidate_ = false;
  double cand_t_s_ = 0;
  double cand_p_ = 0;
  double cand_rest_t_s_ = 0;
  double cand_rest_p_ = 0;
  int cand_still_ = 0;
  int cand_moving_ = 0;
};

}  // namespace tempoload::protocols
