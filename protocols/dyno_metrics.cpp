#include "protocols/dyno_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace tempoload::protocols {

double coefficient_of_variation_pct(std::span<const double> v) {
  if (v.size() < 2) return 0;
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  if (mean == 0) return 0;
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return std::sqrt(ss / static_cast<double>(v.size() - 1)) / std::fabs(mean) * 100.0;
}

std::optional<double> fatigue_index_pct(std::span<const double> w) {
  const std::size_t n = w.size();
  if (n < 3) return std::nullopt;
  const std::size_t k = n / 3;
  double first = 0, last = 0;
  for (std::size_t i = 0; i < k; ++i) {
    first += w[i];
    last += w[n - k + i];
  }
  if (first <= 0) return std::nullopt;
  return (first - last) / first * 100.0;
}

BilateralDeficit bilateral_deficit(double left, double right, std::optional<Side> involved) {
  BilateralDeficit d;
  d.weaker = right < left ? Side::kRight : Side::kLeft;
  if (involved) {
    const double inv = *involved == Side::kLeft ? left : right;
    const double uninv = *involved == Side::kLeft ? right : left;
    d.deficit_pct = uninv > 0 ? (uninv - inv) / uninv * 100.0 : 0;
  } else {
    const double strong = std::max(left, right), weak = std::min(left, right);
    d.deficit_pct = strong > 0 ? (strong - weak) / strong * 100.0 : 0;
  }
  return d;
}

SeriesMetrics series_metrics(std::span<const DynoRep> reps, double body_mass_kg) {
  SeriesMetrics m;
  std::vector<double> peaks, work;
  double effort_s = 0;
  for (const DynoRep& r : reps) {
    if (!r.complete) continue;
    m.set_angle_count = r.set_angle_count;
    if (peaks.empty() || r.peak_torque_nm > m.peak_torque_nm) {
      m.peak_torque_nm = r.peak_torque_nm;
      m.angle_of_peak_rad = r.angle_of_peak_rad;
    }
    peaks.push_back(r.peak_torque_nm);
    work.push_back(r.work_j);
    m.total_work_j += r.work_j;
    m.max_rep_work_j = std::max(m.max_rep_work_j, r.work_j);
    effort_s += r.duration_s;
    for (int k = 0; k < r.set_angle_count; ++k) {
      if (!r.angle_reached[k]) continue;
      m.torque_at_angle_nm[k] += r.torque_at_angle_nm[k];
      ++m.reps_at_angle[k];
    }
  }
  m.reps_measured = static_cast<int>(peaks.size());
  if (peaks.empty()) return m;
  for (int k = 0; k < m.set_angle_count; ++k)
    if (m.reps_at_angle[k] > 0) m.torque_at_angle_nm[k] /= m.reps_at_angle[k];
  double sum = 0;
  for (double p : peaks) sum += p;
  m.mean_peak_torque_nm = sum / static_cast<double>(peaks.size());
  m.peak_torque_per_kg = body_mass_kg > 0 ? m.peak_torque_nm / body_mass_kg : 0;
  m.average_power_w = effort_s > 0 ? m.total_work_j / effort_s : 0;
  m.cv_peak_torque_pct = coefficient_of_variation_pct(peaks);
  m.fatigue_pct = fatigue_index_pct(work);
  return m;
}

}  // namespace tempoload::protocols
