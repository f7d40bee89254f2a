// What the protocol engine reads and reports. Plain data, SI units, no I/O.
#pragma once

namespace tempoload::protocols {

// One machine reading, in protocol time (seconds from the start of the set, monotonic).
struct MotionSample {
  double t_s = 0;
  double position_m = 0;    // platform height [m]
  double velocity_mps = 0;  // [m/s], positive up
  double force_left_n = 0;
  double force_right_n = 0;
};

enum class Phase {
  kLoading,
  kReady,
  kConcentric,
  kTopPause,
  kEccentric,
  kBottomPause,
  kUnloading,
  kDone,
  kPaused  // request_pause: the load ramps off and stays off until resumed
};

enum class Verdict { kCounted, kTooFast, kTooSlow, kPartialRange, kPausedTooLong };

const char* to_string(Phase p);
const char* to_string(Verdict v);

// Measurements of one rep (trivially copyable: it crosses the control loop's lock-free queue).
// Force means are time-weighted over concentric + top pause + eccentric.
// Symmetry index SI = (R - L) / (0.5 (R + L)) x 100 on the mean forces.
struct RepMetrics {
  int index = 0;  // 1-based attempt number in the set
  Verdict verdict = Verdict::kCounted;
  bool counted() const { return verdict == Verdict::kCounted; }
  double start_t_s = 0;  // concentric start [s]
  double end_t_s = 0;    // eccentric end [s]
  double concentric_s = 0;
  double top_pause_s = 0;
  double eccentric_s = 0;
  double bottom_pause_s = 0;  // pause before this rep; 0 for the first
  double range_m = 0;         // highest minus lowest position during the rep [m]
  // Travel judged against min_range_fraction, as a fraction of the calibrated range: range_m /
  // span, or for a lowering that turned back up before the bottom, how far it got down.
  double range_fraction = 0;
  double peak_force_left_n = 0;
  double peak_force_right_n = 0;
  double mean_force_left_n = 0;
  double mean_force_right_n = 0;
  double time_under_tension_s = 0;  // concentric + top pause + eccentric
  double symmetry_index_pct = 0;
  // Longest held stop mid-lowering (neither in the top nor the bottom band) [s]; 0 if none.
  double longest_stall_s = 0;
  bool turned_back = false;    // the lowering turned back up before reaching the bottom band
  double impulse_left_ns = 0;  // integral of F dt over the rep, rectangle rule [N s]
  double impulse_right_ns = 0;
  // Integral of F dx per plate, rectangle rule: rises (concentric) and drops (eccentric, |dx|) [J]
  double work_concentric_left_j = 0;
  double work_concentric_right_j = 0;
  double work_eccentric_left_j = 0;
  double work_eccentric_right_j = 0;
};

struct SetSummary {
  int reps_counted = 0;
  int reps_attempted = 0;
  double mean_eccentric_s = 0;   // over counted reps
  double mean_concentric_s = 0;  // over counted reps
  double peak_force_left_n = 0;
  double peak_force_right_n = 0;
  double mean_force_left_n = 0;  // mean of counted reps' means
  double mean_force_right_n = 0;
  double symmetry_index_pct = 0;  // SI of the two means above
  double time_under_tension_s = 0;
};

}  // namespace tempoload::protocols
