#include "protocols/set_measures.hpp"

#include <vector>

#include "protocols/dyno_metrics.hpp"
#include "protocols/rep_metrics.hpp"

namespace tempoload::protocols {

SymmetryMeasure si_measure(double left, double right, std::string metric) {
  return {symmetry_index_pct(left, right), std::move(metric), kSiFormula};
}

SymmetryMeasure lsi_measure(double involved, double uninvolved, std::string metric) {
  return {limb_symmetry_index_pct(involved, uninvolved), std::move(metric), kLsiFormula};
}

double rep_work_j(const RepMetrics& r) {
  return r.work_concentric_left_j + r.work_concentric_right_j + r.work_eccentric_left_j +
         r.work_eccentric_right_j;
}

SetMeasures set_measures(std::span<const RepMetrics> reps, std::optional<Side> involved) {
  SetMeasures m;
  std::vector<double> work, peaks;
  double mean_left = 0, mean_right = 0;
  for (const RepMetrics& r : reps) {
    m.impulse_left_ns += r.impulse_left_ns;
    m.impulse_right_ns += r.impulse_right_ns;
    m.work_left_j += r.work_concentric_left_j + r.work_eccentric_left_j;
    m.work_right_j += r.work_concentric_right_j + r.work_eccentric_right_j;
    mean_left += r.mean_force_left_n;
    mean_right += r.mean_force_right_n;
    work.push_back(rep_work_j(r));
    peaks.push_back(r.peak_force_left_n + r.peak_force_right_n);
  }
  m.reps = static_cast<int>(reps.size());
  m.si_mean_force = si_measure(mean_left, mean_right, "mean force");  // means of means: same SI
  m.si_work = si_measure(m.work_left_j, m.work_right_j, "work");
  if (involved) {
    const bool left = *involved == Side::kLeft;
    m.lsi_mean_force =
        lsi_measure(left ? mean_left : mean_right, left ? mean_right : mean_left, "mean force");
    m.lsi_work = lsi_measure(left ? m.work_left_j : m.work_right_j,
                             left ? m.work_right_j : m.work_left_j, "work");
  }
  m.fatigue_pct = fatigue_index_pct(work);
  m.cv_work_pct = coefficient_of_variation_pct(work);
  m.cv_peak_force_pct = coefficient_of_variation_pct(peaks);
  return m;
}

}  // namespace tempoload::protocols
