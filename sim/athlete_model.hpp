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
//
// What a set holds comes from the scenario's set script (set_script.hpp): tempo reps (above),
// eccentric-only reps (the platform is raised for them, by the machine or the other leg),
// isometric efforts (MVIC or holds: the plate force follows IsometricEffort, whatever the
// platform does) or a cadence-paced single-leg endurance test to a scripted failure. While the
// machine holds the platform in position (mode 7) and no isometric effort runs, the athlete is
// passive: they stand with their weight (F_grf = M g) and go where the machine takes them.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/isometric_effort.hpp"
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
  kPushing = 8,      // isometric effort: rising, holding, relaxing (MVIC or hold)
  kResting = 9,      // isometric set: standing relaxed between efforts
  kRaised = 10,      // eccentric-only set: waiting for (or being raised by) the machine
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
  // The machine servoes the platform's position (mode 7, no fault): the athlete goes along, and
  // a set in progress is not "unloaded" by a low force limit.
  bool position_hold = false;
  bool drive_engaged = false;  // mode 1, 2 or 7 without a fault (at any force)
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
  static constexpr double kHandOverFraction = 0.5;  // raised this far up = at the top [of range]
  static constexpr double kFailedAttemptRange = 0.3;  // endurance: the failed attempt's height,
                                                      // of final_range_fraction

  // travel_m: the machine's full travel; moving_mass_kg: body plus carriage.
  AthleteModel(const Scenario& scenario, double travel_m, double moving_mass_kg);

  // Ground-reaction force [N] (upward, both plates together) over the next dt_s. Appends set
  // and rep events to `events`.
  double update(const AthleteInputs& in, double dt_s, std::vector<SimEvent>& events);

  AthletePhase phase() const { return phase_; }
  int set_number() const { return set_; }       // 0 before the first set
  int reps_done() const { return reps_done_; }  // completed reps in the current/last set
  double capacity_n() const;                    // largest force the athlete can push now [N]
  // Share of the ground-reaction force on the left plate now (1: left leg only, 0: right only).
  double left_fraction() const { return left_fraction_; }
  const SetScript& script() const { return script_; }  // of the current (or last) set
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
  void start_rep(double t_s, double x_m, bool position_hold);
  void start_concentric(double t_s, double x_m);
  void start_eccentric(double t_s, double x_m);
  void start_effort(double t_s);
  void begin_set(const AthleteInputs& in, std::vector<SimEvent>& events);
  void end_set(double t_s, const char* why, std::vector<SimEvent>& events);
  void fail_rep(double t_s, double x_m, const char* why, std::vector<SimEvent>& events);
  void step_set(const AthleteInputs& in, std::vector<SimEvent>& events);
  void step_isometric(const AthleteInputs& in, double dt_s, std::vector<SimEvent>& events);
  void update_left_fraction();
  int max_reps() const;
  double endurance_period_s() const { return 60.0 / script_.endurance.cadence_per_min; }
  SimEvent event(SimEvent::Kind kind, double t_s) const;

  Scenario scenario_;
  double travel_m_;
  double mass_kg_;
  double kp_;  // [1/s^2]
  double kd_;  // [1/s]

  AthletePhase phase_ = AthletePhase::kWaiting;
  double phase_start_s_ = 0;
  std::vector<Move> moves_;  // contiguous segments of the reference, in time order
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
  double eccentric_total_s_ = 0;  // lowering time including a scripted stall [s]

  SetScript script_;       // the current (or last) set's script
  Leg next_leg_ = Leg::kBoth;  // leg of the next set, stood on while waiting for it
  SetAction next_action_ = SetAction::kReps;
  double left_fraction_ = 0.5;
  double standing_n_ = 0;  // M g: the plates' reading standing still [N]
  double beat0_s_ = 0;     // endurance: the metronome's first beat [s]
  bool failing_attempt_ = false;  // endurance: this attempt cannot reach the top
  std::optional<IsometricEffort> effort_;
  double iso_force_n_ = 0;  // isometric set: the working leg's plate force now [N]
};

}  // namespace tempoload::sim
