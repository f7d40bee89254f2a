// The scripted athlete on the calf-raise machine. Pure: no clock, no I/O; the machine model
// calls update() once per physics step with the platform state and the motor load.
//
// Behaviour: waits at the bottom while the machine is unloaded. When the commanded load is on
// and the motor force has been >= 80% of it for start_delay_s, a set starts: reps follow the
// scenario tempo (concentric, top pause, eccentric, bottom pause), each movement a constant-speed
// profile with short corners, tracked by a stiff PD (15 Hz, damping 1) on top of the load the athlete braces
// against. The PD's correction is bounded (+-3 m/s^2), so an athlete held back by the eccentric
// velocity limit keeps pushing instead of going limp. Force is capped by a strength that drops
// with fatigue, so a heavy load makes reps slow or fail (no top within max(2 s, concentric_s)
// extra). The set ends after max_reps, after a failed rep, or on an unload (load below 20% of
// the set's load, mode off, or a fault); a cut-short set ends with a 1 s descent to the bottom.
// A new set needs the load to go (below 20%) and come back.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/scenario.hpp"
#include "sim/sim_event.hpp"

namespace tempoload::sim {

enum class AthletePhase : std::uint16_t {
  kWaiting = 0,      // at the bottom, machine unloaded
  kSettling = 1,     // load on, waiting start_delay_s for it to settle
  kConcentric = 2,   // raising the heels
  kTopPause = 3,     // holding at the top
  kEccentric = 4,    // lowering
  kBottomPause = 5,  // at the bottom between reps
  kLowering = 6,     // set cut short (unload or failed rep): 1 s gentle descent
  kSetOver = 7,      // at the bottom after the set ended; waits for the load to go
};

const char* to_string(AthletePhase p);

// What the athlete feels at the start of a step.
struct AthleteInputs {
  double t_s = 0;           // simulator time [s]
  double position_m = 0;    // platform height above its lowest point [m]
  double velocity_mps = 0;  // [m/s], positive up
  // Resistance the athlete braces against: the motor's set force after slewing, before the
  // eccentric velocity limit takes any off (the athlete does not anticipate being caught) [N]
  double resistance_n = 0;
  double load_target_n = 0;  // resistance the machine is commanded to apply; 0 if off/faulted [N]
};

class AthleteModel {
 public:
  static constexpr double kGravity = 9.81;           // [m/s^2]
  static constexpr double kTrackingHz = 15;          // PD natural frequency [Hz]
  static constexpr double kMaxCorrectionMps2 = 3.0;  // bound of the PD's correction [m/s^2]
  static constexpr double kStartFraction = 0.8;      // motor force / load that counts as loaded
  static constexpr double kUnloadFraction = 0.2;     // load / set's load that counts as unloaded
  static constexpr double kReachToleranceM = 0.002;  // "at the top/bottom" within this [m]
  static constexpr double kLoweringS = 1.0;          // gentle descent after a cut-short set [s]
  static constexpr double kMinGrindS = 2.0;          // extra concentric time before failing [s]

  // travel_m: the machine's full travel; moving_mass_kg: body plus carriage.
  AthleteModel(const Scenario& scenario, double travel_m, double moving_mass_kg);

  // Ground-reaction force [N] (upward, both plates together) over the next dt_s. Appends set
  // and rep events to `events`.
  double update(const AthleteInputs& in, double dt_s, std::vector<SimEvent>& events);

  AthletePhase phase() const { return phase_; }
  int set_number() const { return set_; }       // 0 before the first set
  int reps_done() const { return reps_done_; }  // completed reps in the current/last set
  double capacity_n() const;                    // largest force the athlete can push now [N]
  // When the load came on for the set in progress (settling or in a set), else nullopt [s].
  std::optional<double> load_on_s() const { return load_on_s_; }

 private:
  // A tempo-paced move (constant speed, smooth corners) from x0 to x1 over dur_s starting at t0_s (hold when dur_s == 0).
  struct Move {
    double t0_s = 0, dur_s = 0, x0_m = 0, x1_m = 0;
  };
  struct Reference {
    double x = 0, v = 0, a = 0;
  };

  Reference reference(double t_s) const;
  void enter(AthletePhase p, double t_s);
  void move_to(double x_target_m, double dur_s, double t_s, double x_m);
  void start_rep(double t_s, double x_m);
  void end_set(double t_s, const char* why, std::vector<SimEvent>& events);
  void step_set(const AthleteInputs& in, std::vector<SimEvent>& events);
  SimEvent event(SimEvent::Kind kind, double t_s) const;

  Scenario scenario_;
  double travel_m_;
  double mass_kg_;
  double kp_;  // [1/s^2]
  double kd_;  // [1/s]

  AthletePhase phase_ = AthletePhase::kWaiting;
  double phase_start_s_ = 0;
  Move move_;
  std::optional<double> load_on_s_;
  double settled_s_ = 0;  // time the motor force has been near the load [s]
  int set_ = 0;
  int reps_done_ = 0;
  double set_load_n_ = 0;  // largest commanded load during the set [N]
  RepPlan plan_;           // the rep in progress
  double top_m_ = 0;       // top of the rep in progress [m]
  double rep_start_x_m_ = 0;
  double rep_peak_x_m_ = 0;
  double concentric_s_ = 0;
  double top_pause_s_ = 0;
};

}  // namespace tempoload::sim
