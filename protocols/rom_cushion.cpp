#include "protocols/rom_cushion.hpp"

#include <algorithm>
#include <cmath>

namespace tempoload::protocols {

double cushioned_speed(double set_speed_radps, double distance_rad, double cushion_rad) {
  const double v = std::max(0.0, set_speed_radps);
  if (distance_rad <= 0) return 0;
  if (cushion_rad <= 0 || distance_rad >= cushion_rad) return v;
  return v * std::sqrt(distance_rad / cushion_rad);
}

double capped_speed(double angle_rad, int direction, double set_speed_radps,
                    const RangeOfMotionLimits& limits) {
  const double to_end = direction > 0 ? limits.max_rad - angle_rad : angle_rad - limits.min_rad;
  return cushioned_speed(set_speed_radps, to_end, limits.cushion_rad);
}

double speed_towards(double angle_rad, double target_rad, double set_speed_radps,
                     const RangeOfMotionLimits& limits, double tolerance_rad) {
  const double distance = target_rad - angle_rad;
  if (std::fabs(distance) <= tolerance_rad) return 0;
  const int direction = distance > 0 ? 1 : -1;
  // Cushioned at the target as at an end, and never further than the range's end, except that
  // a shaft outside the range may always come back in.
  double v = cushioned_speed(set_speed_radps, std::fabs(distance), limits.cushion_rad);
  const bool inside = angle_rad >= limits.min_rad && angle_rad <= limits.max_rad;
  if (inside) v = std::min(v, capped_speed(angle_rad, direction, set_speed_radps, limits));
  return direction * v;
}

}  // namespace tempoload::protocols
