// Heel-rise endurance test: single leg, paced by a metronome (30 reps/min by default, (M)), reps
// until failure (Hebert-Losier 2017; Silbernagel 2010). Pure, no allocation. Reps come from a
// TempoTracker on the calibrated range; the metronome beats at the first rep's start + k x period.
// The test fails (ends) at the first of:
//   - cadence: a rep starts more than cadence_tolerance_s from its beat, or no rep has started
//     cadence_tolerance_s after the beat it was due on;
//   - height: a rep's height (range_m) below min_height_fraction of the mean of the first
//     reference_reps reps;
//   - max_reps reached (a safety cap, not a failure).
// The failing rep is not counted. Per rep: height [m] and work = integral of F dx over the rise
// on the tested leg's plate [J] (force x displacement); m g h with the body mass is reported too.
#pragma once

#include <string>

#include "protocols/session_plan.hpp"
#include "protocols/set_measures.hpp"
#include "protocols/tempo_tracker.hpp"

namespace tempoload::protocols {

inline constexpr double kGravityMps2 = 9.81;

struct HeelRiseSpec {
  Legs leg = Legs::kLeft;            // kLeft or kRight: the plate that is measured
  double cadence_per_min = 30;       // (M)
  double cadence_tolerance_s = 0.5;  // documented default (U)
  double min_height_fraction = 0.5;  // documented default (U)
  int reference_reps = 3;
  int max_reps = 200;
  double body_mass_kg = 0;  // for m g h; 0: not reported
};

struct HeelRiseResult {
  int reps = 0;
  double total_height_m = 0;
  double mean_height_m = 0;
  double total_work_j = 0;      // force x displacement (concentric, tested plate)
  double total_work_mgh_j = 0;  // body mass x g x height, summed
};

enum class HeelRiseEnd { kNone, kCadence, kLate, kHeight, kMaxReps };

// Why a leg's test ended, as plain data (it crosses out of the control loop).
struct HeelRiseEnding {
  HeelRiseEnd end = HeelRiseEnd::kNone;
  double a = 0;  // cadence: the beat [s]; height: the rep's height [m]
  double b = 0;  // cadence: the rep's start or the time [s]; height: the reference [m]
  double cadence_tolerance_s = 0;
  double min_height_fraction = 0;
};
// e.g. "height: 3.2 cm is below 50% of the first reps' 8.0 cm"; "" while running (allocates).
std::string describe(const HeelRiseEnding& e);

class HeelRiseTest {
 public:
  HeelRiseTest(const HeelRiseSpec& spec, const RangeOfMotion& rom);

  // Returns true when a rep was counted on this sample.
  bool update(const MotionSample& s);

  bool finished() const { return finished_; }
  double period_s() const { return 60.0 / spec_.cadence_per_min; }
  double next_beat_t_s() const;  // for the display's metronome; before the first rep: -1
  const HeelRiseResult& result() const { return result_; }
  double last_height_m() const { return last_height_m_; }
  double last_work_j() const { return last_work_j_; }
  using End = HeelRiseEnd;
  End end() const { return end_; }
  HeelRiseEnding ending() const {
    return {end_, end_a_, end_b_, spec_.cadence_tolerance_s, spec_.min_height_fraction};
  }
  // Why the test ended, e.g. "height: 3.2 cm is below 50% of the first reps' 8.0 cm" (allocates:
  // call off the control loop); empty while running.
  std::string ended_by() const;

 private:
  void finish(End e, double a, double b);
  void on_rep(const RepMetrics& r);

  HeelRiseSpec spec_;
  TempoTracker tracker_;
  bool finished_ = false;
  End end_ = End::kNone;
  double end_a_ = 0;  // the numbers ended_by() reports
  double end_b_ = 0;
  double first_start_t_s_ = -1;
  double reference_sum_m_ = 0;
  double last_height_m_ = 0;
  double last_work_j_ = 0;
  HeelRiseResult result_;
};

// LSI = involved / uninvolved x 100 by reps, by total height and by total work (the formula and
// the metric are named in each).
struct HeelRiseSymmetry {
  SymmetryMeasure by_reps;
  SymmetryMeasure by_height;
  SymmetryMeasure by_work;
};
HeelRiseSymmetry heel_rise_symmetry(const HeelRiseResult& involved,
                                    const HeelRiseResult& uninvolved);

}  // namespace tempoload::protocols
