// Per-rep force and timing metrics, symmetry formulas, set summaries and cues. Pure code.
#pragma once

#include <span>
#include <string>

#include "protocols/rep_types.hpp"
#include "protocols/set_spec.hpp"

namespace tempoload::protocols {

// Symmetry index SI = (R - L) / (0.5 (R + L)) x 100 [%] (Robinson 1987). 0 when both are 0.
double symmetry_index_pct(double left, double right);
// Limb symmetry index LSI = involved / uninvolved x 100 [%] (Silbernagel 2010). 0 when
// uninvolved is 0.
double limb_symmetry_index_pct(double involved, double uninvolved);

// Accumulates force statistics of one rep sample by sample, time-weighted by the sample
// interval (rectangle rule: each sample's force holds until the next sample). No allocation.
class ForceAccumulator {
 public:
  void reset();
  void add(const MotionSample& s);
  double peak_left_n() const;  // highest sample, the last one included; 0 before any
  double peak_right_n() const;
  double mean_left_n() const;  // integral of F dt / elapsed time; 0 before two samples
  double mean_right_n() const;
  double min_position_m() const;  // 0 before any sample
  double max_position_m() const;
  double impulse_left_ns() const { return impulse_left_ns_; }  // integral of F dt [N s]
  double impulse_right_ns() const { return impulse_right_ns_; }
  // Work, rectangle rule: each sample's force times the next position change [J]; concentric
  // sums the rises (F dx, dx > 0), eccentric the drops (F |dx|, dx < 0).
  double work_concentric_left_j() const { return work_conc_left_j_; }
  double work_concentric_right_j() const { return work_conc_right_j_; }
  double work_eccentric_left_j() const { return work_ecc_left_j_; }
  double work_eccentric_right_j() const { return work_ecc_right_j_; }

 private:
  int samples_ = 0;
  double last_t_s_ = 0;
  double last_left_n_ = 0;
  double last_right_n_ = 0;
  double elapsed_s_ = 0;
  double impulse_left_ns_ = 0;  // integral of F dt [N s]
  double impulse_right_ns_ = 0;
  double peak_left_n_ = 0;
  double peak_right_n_ = 0;
  double min_position_m_ = 0;
  double max_position_m_ = 0;
  double last_position_m_ = 0;
  double work_conc_left_j_ = 0;
  double work_conc_right_j_ = 0;
  double work_ecc_left_j_ = 0;
  double work_ecc_right_j_ = 0;
};

// Aggregates counted reps (attempted counts every rep); see SetSummary for each field.
SetSummary summarize(std::span<const RepMetrics> reps);

// A cue the athlete can act on, e.g. "lower slower: 1.6 s, target 3.5 s" or "good rep".
std::string cue_for(const RepMetrics& rep, const TempoSpec& tempo, double min_range_fraction);

}  // namespace tempoload::protocols
