// The deceleration cushion at the ends of an athlete's range of motion. Every speed the engine
// commands towards an end is capped so that the shaft could stop exactly at it with a constant
// deceleration: within `cushion_rad` of the end the cap is
//     v_max(d) = v_set x sqrt(d / cushion)        (deceleration v_set^2 / (2 cushion))
// where d is the distance left to the end; at and beyond the end it is 0. Pure functions.
#pragma once

#include "protocols/dyno_spec.hpp"

namespace tempoload::protocols {

// Largest speed (magnitude, >= 0) allowed when `distance_rad` is left before an end.
double cushioned_speed(double set_speed_radps, double distance_rad, double cushion_rad);

// Signed speed command towards `target_rad` from `angle_rad` at up to `set_speed_radps`,
// cushioned at the target and never past the limits' ends; 0 within `tolerance_rad`.
double speed_towards(double angle_rad, double target_rad, double set_speed_radps,
                     const RangeOfMotionLimits& limits, double tolerance_rad);

// The speed cap for a movement in direction `direction` (+1 plantarflexion, -1 dorsiflexion)
// at `angle_rad`: set speed cushioned by the distance to the end being approached.
double capped_speed(double angle_rad, int direction, double set_speed_radps,
                    const RangeOfMotionLimits& limits);

}  // namespace tempoload::protocols
