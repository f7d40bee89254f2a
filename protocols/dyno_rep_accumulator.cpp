#include "protocols/dyno_rep_accumulator.hpp"

#include <algorithm>
#include <cmath>

namespace tempoload::protocols {

void DynoRepAccumulator::begin(const DynoRep& identity, const double* set_angles_rad,
                               int set_angle_count) {
  rep_ = identity;
  rep_.set_angle_count = std::clamp(set_angle_count, 0, kMaxSetAngles);
  for (int k = 0; k < rep_.set_angle_count; ++k) {
    set_angles_[k] = set_angles_rad[k];
    rep_.angle_reached[k] = false;
    rep_.torque_at_angle_nm[k] = 0;
  }
  samples_ = 0;
  torque_time_ = 0;
  peak_all_ = peak_load_ = Peak{};
}

void DynoRepAccumulator::add(double t, double angle, double torque, bool in_load_range) {
  peak_all_.offer(t, angle, torque);
  if (in_load_range) peak_load_.offer(t, angle, torque);
  if (samples_ == 0) {
    first_t_ = t;
    rep_.start_t_s = t;
    rep_.start_angle_rad = angle;
    rep_.work_j = 0;
    for (int k = 0; k < rep_.set_angle_count; ++k) {
      if (angle == set_angles_[k]) {
        rep_.angle_reached[k] = true;
        rep_.torque_at_angle_nm[k] = torque;
      }
    }
  } else {
    const double dt = t - last_t_;
    const double da = angle - last_angle_;
    const double mean_torque = 0.5 * (torque + last_torque_);
    torque_time_ += mean_torque * std::max(0.0, dt);
    rep_.work_j += mean_torque * std::fabs(da);
    for (int k = 0; k < rep_.set_angle_count; ++k) {
      const double a = set_angles_[k];
      if (rep_.angle_reached[k] || da == 0) continue;
      if ((last_angle_ - a) * (angle - a) <= 0) {
        const double f = (a - last_angle_) / da;
        rep_.angle_reached[k] = true;
        rep_.torque_at_angle_nm[k] = last_torque_ + f * (torque - last_torque_);
      }
    }
  }
  ++samples_;
  last_t_ = t;
  last_angle_ = angle;
  last_torque_ = torque;
}

DynoRep DynoRepAccumulator::finish(bool complete) const {
  DynoRep r = rep_;
  r.complete = complete;
  r.end_angle_rad = samples_ > 0 ? last_angle_ : r.start_angle_rad;
  r.duration_s = samples_ > 1 ? last_t_ - first_t_ : 0;
  r.mean_torque_nm = r.duration_s > 0 ? torque_time_ / r.duration_s : (samples_ ? last_torque_ : 0);
  r.average_power_w = r.duration_s > 0 ? r.work_j / r.duration_s : 0;
  const Peak& peak = peak_load_.seen ? peak_load_ : peak_all_;
  r.peak_torque_nm = peak.torque_nm;
  r.angle_of_peak_rad = peak.angle_rad;
  r.time_to_peak_s = peak.seen ? peak.t_s - first_t_ : 0;
  return r;
}

}  // namespace tempoload::protocols
