// The scripted athlete on the dynamometer. Pure: no clock, no I/O; the model calls update() once
// per physics step.
//
// Strength of the leg in the attachment (the side register):
//   T_max = peak_torque x max(0.2, 1 - fatigue_per_effort x efforts done) x f_angle x f_velocity
//   f_angle    = max(0, 1 - ((angle - optimal) / width)^2)
//   f_velocity = (1 - w / w_max) / (1 + w / (k w_max))       concentric, w > 0 (plantarflexing)
//              = E - (E - 1) / (1 + |w| / (0.05 w_max))       eccentric, w < 0
// with k = hill_curvature and E = eccentric_ratio (Hill 1938; an eccentric plateau).
// Behaviour by drive mode: isokinetic, reactive eccentric and isometric get a maximal effort
// (activation rising with activation_s, times the scenario's effort fraction); passive and off
// get a relaxed foot (activation falling with relaxation_s); isotonic gets reps at the scenario's
// tempo (the athlete tracks the speed, feeling the load and the footplate). An effort ends when
// the athlete relaxes (or an isotonic rep is back at the bottom) and counts for fatigue.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "sim/dynamometer_scenario.hpp"
#include "sim/sim_event.hpp"

namespace tempoload::sim {

enum class DynoAthleteState : std::uint16_t {
  kRelaxed = 0,
  kMaxEffort = 1,      // pushing into plantarflexion as hard as they can
  kIsotonicUp = 2,     // isotonic rep, rising at the scenario's tempo
  kIsotonicTop = 3,    // holding at the top
  kIsotonicDown = 4,   // lowering at the scenario's tempo
  kIsotonicBottom = 5  // holding at the bottom between reps
};
const char* to_string(DynoAthleteState s);

struct DynoAthleteInputs {
  double t_s = 0;
  double angle_rad = 0;
  double velocity_radps = 0;
  int mode = 0;                  // drivers::DriveMode value in effect (0 when off or faulted)
  int side = 0;                  // 0 left, 1 right
  double load_torque_nm = 0;     // isotonic: the motor's resisting torque now [N m]
  double gravity_torque_nm = 0;  // the footplate's torque now [N m]
  double rom_min_rad = 0;
  double rom_max_rad = 0;
};

class DynamometerAthlete {
 public:
  static constexpr double kIsotonicGain = 10;     // speed tracking [N m per rad/s]
  static constexpr double kIsotonicPauseS = 0.4;  // at the top and the bottom [s]
  static constexpr double kReachRad = 0.0175;     // "at the end" within 1 deg

  explicit DynamometerAthlete(const DynamometerScenario& scenario);

  // The athlete's torque over the next dt_s [N m], positive into plantarflexion.
  double update(const DynoAthleteInputs& in, double dt_s, std::vector<SimEvent>& events);

  // The largest torque the leg can produce now at this angle and speed [N m].
  double capacity_nm(int side, double angle_rad, double velocity_radps) const;
  // f_angle x f_velocity (see above), without strength or fatigue.
  double shape(double angle_rad, double velocity_radps) const;

  DynoAthleteState state() const { return state_; }
  int efforts_done(int side) const { return efforts_[side]; }
  int total_efforts() const { return efforts_[0] + efforts_[1]; }
  int side() const { return side_; }

 private:
  void end_effort(double t_s, std::vector<SimEvent>& events);
  double isotonic_torque(const DynoAthleteInputs& in, double capacity);

  DynamometerScenario scenario_;
  DynoAthleteState state_ = DynoAthleteState::kRelaxed;
  double activation_ = 0;  // 0..1
  int side_ = 0;
  std::array<int, 2> efforts_{};
  bool in_effort_ = false;
  double effort_fraction_ = 1;
  double effort_peak_nm_ = 0;
  int effort_mode_ = 0;
  double state_since_s_ = 0;
};

}  // namespace tempoload::sim
