// Gravity correction of the footplate (and the relaxed foot): the torque measured at rest at a
// few angles across the range, interpolated linearly in between (held constant beyond the
// outermost points) and subtracted from every later reading of that leg. Fixed capacity: used
// on the control loop without allocation.
#pragma once

#include <array>

#include "protocols/dyno_spec.hpp"

namespace tempoload::protocols {

class GravityTable {
 public:
  // Adds a point; angles must be added in increasing order. False when full or out of order.
  bool add(double angle_rad, double torque_nm);
  void clear() { count_ = 0; }

  bool measured() const { return count_ > 0; }
  int size() const { return count_; }
  double angle_rad(int i) const { return angles_[i]; }
  double torque_nm(int i) const { return torques_[i]; }

  // The footplate's torque at `angle_rad`; 0 when nothing was measured.
  double torque_at(double angle_rad) const;
  // `measured_nm` with the footplate's torque at `angle_rad` taken off.
  double corrected(double angle_rad, double measured_nm) const {
    return measured_nm - torque_at(angle_rad);
  }

 private:
  std::array<double, kMaxGravityPoints> angles_{};
  std::array<double, kMaxGravityPoints> torques_{};
  int count_ = 0;
};

}  // namespace tempoload::protocols
