// Tempo state machine and rep detection for one set: turns motion samples into phases and
// judged reps. Pure: no I/O, no clock, no allocation in update().
//
// Detection works in the normalised position p = (x - bottom) / (top - bottom) of the athlete's
// calibrated range, so it holds on a heel raise's short travel (a few cm). Movement is "up" or
// "down" when |velocity| exceeds a deadband (default 5% of the range per second) and the
// position has moved out of the band it started in (motion_excursion); pauses are the time
// between. Phase durations run from the motion's onset (the last sample still inside the
// deadband) to the first sample that stopped.
// A rep is complete when the platform is back in the bottom band after moving down; it is
// reported once the stop has held for stop_confirm_s, with its times backdated.
// A lowering that turns back up (by reversal_fraction) before the bottom band ends the rep
// there as kPartialRange; the tracker then waits in kReady for a rise from the bottom band.
// A confirmed stop mid-lowering is a stall; with TempoSpec::max_pause_s > 0, a stall or a top or
// bottom pause longer than that makes the rep kPausedTooLong.
#pragma once

#include "protocols/motion_detector.hpp"
#include "protocols/rep_metrics.hpp"
#include "protocols/rep_types.hpp"
#include "protocols/set_spec.hpp"

namespace tempoload::protocols {

struct TrackerTuning {
  double still_velocity_fraction = 0.05;  // deadband: |v| below this x range per second is still
  double bottom_band = 0.15;              // p at or below this is "at the bottom"
  double top_band = 0.85;                 // p at or above this reached the top
  // Travel that confirms a motion or cancels a stop [range]; 10x the position noise.
  double motion_excursion = 0.03;
  // A stop must hold this long before it counts; the rep is reported that much later [s].
  double stop_confirm_s = 0.08;
  // A turn mid-lift or mid-lowering must travel this far to count; less is a wobble [range].
  double reversal_fraction = 0.10;
};

class TempoTracker {
 public:
  TempoTracker(const SetSpec& spec, const RangeOfMotion& rom, const TrackerTuning& tuning = {});

  // Feeds one sample (times must not decrease; an earlier or non-finite sample is ignored).
  // Returns true when a rep completed on this sample; last_rep() then holds it.
  bool update(const MotionSample& s);
  // Drops the rep under way (not judged) and starts afresh in kReady with the next sample, as
  // if it were the first: used when the set is paused (samples stop, the athlete may move).
  // Counts and last_rep() are kept; the next rep has no bottom pause.
  void interrupt();

  Phase phase() const;  // kReady, kConcentric, kTopPause, kEccentric, kBottomPause
  double phase_elapsed_s(double t_s) const;  // time in the current phase [s]
  double phase_target_s() const;  // prescribed duration of the current phase [s]; 0 if none
  double target_position_m(double t_s) const;  // where the tempo says the platform should be
  const RepMetrics& last_rep() const;
  int reps_counted() const;
  int reps_attempted() const;
  double last_rep_start_t_s() const;  // start of the latest concentric, or -1 before any
  bool in_rep() const;                // a rep is under way (concentric, top pause, eccentric)
  double still_since_t_s() const;     // when the platform came to rest, or -1 while moving

 private:
  void on_stop(const MotionEvents& ev);
  void on_start(const MotionEvents& ev);
  void on_position(double p);
  void begin_rep();
  void commit_turn();
  void finish_rep(double end_t_s, double end_p, const ForceAccumulator& acc, bool reached_bottom);
  void enter(Phase phase, double t_s);
  double max_p(const ForceAccumulator& acc) const;

  SetSpec spec_;
  RangeOfMotion rom_;
  TrackerTuning tuning_;
  double span_m_;  // rom_.span(), kept positive
  MotionDetector detector_;

  bool started_ = false;
  bool completed_ = false;  // a rep completed on the current sample
  double last_t_s_ = 0;
  Phase phase_ = Phase::kReady;
  double phase_start_t_s_ = 0;

  // Accumulators cut at backdated times (copies are cheap: plain doubles).
  ForceAccumulator rep_acc_;   // the rep, or the rise that may become one, up to now
  ForceAccumulator pre_acc_;   // from the sample an upward motion would now be dated to
  ForceAccumulator end_acc_;   // rep_acc_ at the sample the current lowering would end at
  ForceAccumulator turn_acc_;  // rep_acc_ where a lowering turned back up (pending abort)

  bool rising_ = false;  // an upward motion from the bottom band, not yet out of it
  double rise_start_t_s_ = 0;
  bool stopped_at_top_ = false;  // this rep's lift has stopped in the top band
  double rep_start_t_s_ = -1;
  double conc_end_t_s_ = 0;
  double ecc_start_t_s_ = 0;
  double bottom_pause_s_ = 0;
  double prev_end_t_s_ = -1;  // end of the previous rep, -1 before any
  bool stalled_ = false;      // stopped mid-lowering since stall_start_t_s_
  double stall_start_t_s_ = 0;
  double longest_stall_s_ = 0;  // of the rep under way [s]

  // A turn not yet travelled reversal_fraction: mid-lift (concentric) or mid-lowering.
  bool turn_pending_ = false;
  double turn_onset_t_s_ = 0;  // the new motion's onset
  double turn_end_t_s_ = 0;    // where the previous motion ended
  double turn_end_p_ = 0;

  RepMetrics last_rep_;
  int counted_ = 0;
  int attempted_ = 0;
};

}  // namespace tempoload::protocols
