// Per-set measurements over reps, with the symmetry formulas named in the result. Pure, used off
// the control loop. Over the reps passed in (the caller picks, e.g. the counted ones):
//   impulse, work       sums of the reps' per-plate values [N s], [J]; work = concentric +
//                       eccentric (F |dx|)
//   SI                  (R - L) / (0.5 (R + L)) x 100 (Robinson 1987), by mean force and by work
//   LSI                 involved / uninvolved x 100 (Silbernagel 2010), when the involved leg is
//                       named, by mean force and by work
//   fatigue             first vs last third of the reps' total work (fatigue_index_pct, shared
//                       with the dynamometer): (W_first - W_last) / W_first x 100, >= 3 reps
//   CV                  sample SD / mean x 100 of the reps' total work and of their peak force
//                       (left + right peaks), >= 2 reps (coefficient_of_variation_pct)
#pragma once

#include <optional>
#include <span>
#include <string>

#include "protocols/dyno_spec.hpp"  // Side
#include "protocols/rep_types.hpp"

namespace tempoload::protocols {

struct SymmetryMeasure {
  double value_pct = 0;
  std::string metric;   // "mean force", "work"
  std::string formula;  // "SI = (R - L) / (0.5 (R + L)) x 100"
};

inline constexpr const char* kSiFormula = "SI = (R - L) / (0.5 (R + L)) x 100";
inline constexpr const char* kLsiFormula = "LSI = involved / uninvolved x 100";

SymmetryMeasure si_measure(double left, double right, std::string metric);
SymmetryMeasure lsi_measure(double involved, double uninvolved, std::string metric);

struct SetMeasures {
  int reps = 0;
  double impulse_left_ns = 0;
  double impulse_right_ns = 0;
  double work_left_j = 0;
  double work_right_j = 0;
  SymmetryMeasure si_mean_force;
  SymmetryMeasure si_work;
  std::optional<SymmetryMeasure> lsi_mean_force;  // with an involved leg
  std::optional<SymmetryMeasure> lsi_work;
  std::optional<double> fatigue_pct;  // 3 reps or more
  double cv_work_pct = 0;             // 0 below 2 reps
  double cv_peak_force_pct = 0;
};

SetMeasures set_measures(std::span<const RepMetrics> reps, std::optional<Side> involved = {});

double rep_work_j(const RepMetrics& r);  // both plates, concentric + eccentric [J]

}  // namespace tempoload::protocols
