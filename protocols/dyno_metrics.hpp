// Metrics of a dynamometer series and between legs, from finished reps. Pure functions, used off
// the control loop. Only complete reps count. Formulas (docs/dynamometer.md):
//   peak torque            highest rep peak [N m]; its angle is the angle of peak torque
//   peak torque / mass     peak torque / body mass [N m/kg]
//   average power          total work / total effort time [W]
//   coefficient of var.    CV = sample SD / mean x 100 of the reps' peak torques [%]
//   fatigue                (W_first - W_last) / W_first x 100 [%], W_first and W_last the summed
//                          work of the first and last k = floor(n / 3) reps (n >= 3)
//   bilateral deficit      (T_stronger - T_weaker) / T_stronger x 100 [%]; with an involved leg
//                          named, (T_uninvolved - T_involved) / T_uninvolved x 100 (negative when
//                          the involved leg is the stronger)
#pragma once

#include <array>
#include <optional>
#include <span>

#include "protocols/dyno_types.hpp"

namespace tempoload::protocols {

struct SeriesMetrics {
  int reps_measured = 0;  // complete reps the metrics are over
  double peak_torque_nm = 0;
  double angle_of_peak_rad = 0;
  double peak_torque_per_kg = 0;  // 0 without a body mass
  double mean_peak_torque_nm = 0;
  double total_work_j = 0;
  double max_rep_work_j = 0;
  double average_power_w = 0;
  double cv_peak_torque_pct = 0;      // 0 for fewer than 2 reps
  std::optional<double> fatigue_pct;  // absent for fewer than 3 reps
  int set_angle_count = 0;
  std::array<double, kMaxSetAngles> torque_at_angle_nm{};  // mean over the reps that reached it
  std::array<int, kMaxSetAngles> reps_at_angle{};          // how many reps reached it
};

SeriesMetrics series_metrics(std::span<const DynoRep> reps, double body_mass_kg);

// Sample SD / mean x 100 [%]; 0 for fewer than 2 values or a zero mean.
double coefficient_of_variation_pct(std::span<const double> values);
// See the header comment; nullopt for fewer than 3 values or no work in the first third.
std::optional<double> fatigue_index_pct(std::span<const double> work_per_rep_j);

struct BilateralDeficit {
  double deficit_pct = 0;
  Side weaker = Side::kLeft;  // the leg with the lower value (left when equal)
};
BilateralDeficit bilateral_deficit(double left, double right, std::optional<Side> involved);

}  // namespace tempoload::protocols
