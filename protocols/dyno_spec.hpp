// A dynamometer session (a test or a training) as the protocol engine sees it: a list of series,
// each on one leg in one mode. Plain, trivially copyable data (it crosses the control loop's
// queue). SI units: angles [rad], speeds [rad/s], torques [N m], times [s]. Ankle angle: 0
// neutral (foot at 90 deg to the shank), positive plantarflexion, negative dorsiflexion.
#pragma once

#include <array>

namespace tempoload::protocols {

inline constexpr double kPi = 3.14159265358979323846;
constexpr double deg_to_rad(double deg) { return deg * kPi / 180.0; }
constexpr double rad_to_deg(double rad) { return rad * 180.0 / kPi; }

// Motor-driven speeds (eccentric, passive) above this need an explicit confirmation in the
// request (Biodex practice, PROTOCOLS.md section 8).
inline constexpr double kUnconfirmedMaxMotorSpeedRadps = deg_to_rad(60);

enum class Side { kLeft = 0, kRight = 1 };
const char* to_string(Side s);

enum class DynoMode {
  kIsokineticConcentric,  // the athlete pushes into plantarflexion, speed capped; passive return
  kIsokineticEccentric,   // the motor moves into dorsiflexion while the athlete resists; passive
                          // return
  kIsometric,             // the motor holds an angle while the athlete pushes
  kIsotonic,              // the motor resists with a constant torque; the athlete sets the pace
  kGravityCorrection,     // athlete relaxed: the footplate's torque at rest across the range
};
const char* to_string(DynoMode m);

// The athlete's range of motion on one leg, and the cushion before each end in which every
// commanded speed falls to 0 (constant deceleration, see rom_cushion.hpp).
struct RangeOfMotionLimits {
  double min_rad = deg_to_rad(-15);  // dorsiflexion end
  double max_rad = deg_to_rad(35);   // plantarflexion end
  double cushion_rad = deg_to_rad(5);
  double span_rad() const { return max_rad - min_rad; }
};

struct DynoSeriesSpec {
  Side side = Side::kLeft;
  DynoMode mode = DynoMode::kIsokineticConcentric;
  int reps = 5;                         // attempts (gravity correction: ignored)
  double speed_radps = deg_to_rad(60);  // isokinetic set speed, magnitude
  double torque_nm = 0;                 // isotonic resisting torque
  double hold_angle_rad = 0;            // isometric hold angle
  double hold_s = 5;                    // isometric: length of each hold
  double rest_between_reps_s = 0.5;     // hold at the start (or at the angle) between reps
  double rest_after_s = 60;             // after the series (motor off when the leg changes next)
  int gravity_points = 5;               // gravity correction: angles measured across the range
};

inline constexpr int kMaxSeries = 16;
inline constexpr int kMaxSetAngles = 8;
inline constexpr int kMaxGravityPoints = 9;

struct DynoTestSpec {
  std::array<DynoSeriesSpec, kMaxSeries> series{};
  int series_count = 0;
  std::array<RangeOfMotionLimits, 2> rom{};            // by Side
  std::array<double, kMaxSetAngles> set_angles_rad{};  // "torque at set angles" [rad]
  int set_angle_count = 0;
  double return_speed_radps = deg_to_rad(60);  // passive return and positioning speed
  double torque_limit_nm = 250;                // motor torque limit in every mode
  double eccentric_activation_nm = 10;         // eccentric: moves only while resisting this hard
  bool fast_motor_speed_confirmed = false;     // motor-driven speeds above 60 deg/s allowed
  double ready_s = 1.0;                        // hold at the start before a series' first rep
  double end_tolerance_rad = deg_to_rad(0.5);  // "at the end" (or a position) within this
  double rom_overrun_rad = deg_to_rad(3);      // beyond the range by more: a fault
  double effort_grace_s = 3.0;                 // an effort may take span / speed + this
  double isotonic_speed_cap_radps = deg_to_rad(120);
  double isotonic_idle_s = 10;     // isotonic series ends when no rep starts so long
  double load_ramp_s = 0.5;        // isotonic torque ramps on and off over this
  double gravity_settle_s = 0.3;   // gravity correction: still this long, then
  double gravity_measure_s = 0.5;  // average the torque over this
  double stop_hold_s = 0.3;        // a stop holds the shaft still, then releases
};

}  // namespace tempoload::protocols
