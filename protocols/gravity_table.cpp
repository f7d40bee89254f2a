#include "protocols/gravity_table.hpp"

namespace tempoload::protocols {

bool GravityTable::add(double angle_rad, double torque_nm) {
  if (count_ >= kMaxGravityPoints) return false;
  if (count_ > 0 && angle_rad <= angles_[count_ - 1]) return false;
  angles_[count_] = angle_rad;
  torques_[count_] = torque_nm;
  ++count_;
  return true;
}

double GravityTable::torque_at(double a) const {
  if (count_ == 0) return 0;
  if (a <= angles_[0]) return torques_[0];
  if (a >= angles_[count_ - 1]) return torques_[count_ - 1];
  int i = 1;
  while (angles_[i] < a) ++i;  // angles_[i - 1] < a <= angles_[i]
  const double f = (a - angles_[i - 1]) / (angles_[i] - angles_[i - 1]);
  return torques_[i - 1] + f * (torques_[i] - torques_[i - 1]);
}

}  // namespace tempoload::protocols
