// Accumulates the metrics of one dynamometer rep sample by sample, on the control loop: no
// allocation. Torques given to add() are already gravity corrected. Integrals use the trapezoid
// rule between consecutive samples:
//   work   = sum 0.5 (T_i + T_i+1) |a_i+1 - a_i|      (area under the torque-angle curve) [J]
//   mean T = sum 0.5 (T_i + T_i+1) (t_i+1 - t_i) / (t_last - t_first)                    [N m]
//   power  = work / (t_last - t_first)                                                   [W]
// Torque at a set angle is interpolated linearly at the first crossing of that angle.
// Peak torque (and its angle and time) is taken over the samples marked in the load range (for
// isokinetic efforts: at >= 90% of the set speed, so the acceleration and the cushion's
// deceleration at the ends cannot produce it); over every sample when none is marked.
#pragma once

#include "protocols/dyno_types.hpp"

namespace tempoload::protocols {

class DynoRepAccumulator {
 public:
  // Starts a rep; `set_angles_rad` (count <= kMaxSetAngles) are copied.
  void begin(const DynoRep& identity, const double* set_angles_rad, int set_angle_count);
  void add(double t_s, double angle_rad, double torque_nm, bool in_load_range = true);
  bool started() const { return samples_ > 0; }
  // The rep so far (complete as given); durations and means from the samples added.
  DynoRep finish(bool complete) const;

 private:
  DynoRep rep_;
  std::array<double, kMaxSetAngles> set_angles_{};
  int samples_ = 0;
  double first_t_ = 0;
  double last_t_ = 0;
  double last_angle_ = 0;
  double last_torque_ = 0;
  double torque_time_ = 0;  // integral of T dt [N m s]
  struct Peak {
    double torque_nm = 0, angle_rad = 0, t_s = 0;
    bool seen = false;
    void offer(double t, double a, double torque) {
      if (seen && torque <= torque_nm) return;
      torque_nm = torque;
      angle_rad = a;
      t_s = t;
      seen = true;
    }
  };
  Peak peak_all_;   // every sample
  Peak peak_load_;  // samples in the load range
};

}  // namespace tempoload::protocols
