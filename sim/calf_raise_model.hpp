// The motorised calf-raise machine with its athlete: platform physics, motor drive, force
// plates, device watchdog and latched faults. Pure: no sockets, no wall clock; the caller
// advances time with step() (the server uses fixed kStepS steps) and feeds commands in between.
//
// Physics (x up, platform height in [0, travel_m]; moving mass M = body + 20 kg carriage):
//   M a = F_grf - M g - F_motor
// F_grf is the athlete's ground-reaction force (both plates), F_motor the motor's downward
// resistance. End stops clamp x and stop the platform.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "drivers/register_map.hpp"
#include "sim/athlete_model.hpp"
#include "sim/scenario.hpp"
#include "sim/sim_event.hpp"

namespace tempoload::sim {

// The command block as the device reads it (already decoded with the register map).
struct DeviceCommands {
  std::uint16_t heartbeat = 0;    // must change at least once per watchdog period while engaged
  int mode = 0;                   // drivers::DriveMode value; unknown values count as off
  double force_setpoint_n = 0;    // motor resistance [N]; clamped to [0, max_force_n]
  double velocity_limit_mps = 0;  // mode 2: largest lowering speed [m/s], <= 0 holds still;
                                  // mode 7: speed of the held position, <= 0: kHoldApproachMps
  double position_setpoint_m = 0;  // mode 7: platform height to hold [m]
  std::uint16_t control = 0;      // drivers::ControlBit field
};

// The measurement block as the device reports it (encode with the register map).
struct DeviceMeasurements {
  std::uint16_t status = 0;    // drivers::StatusBit field
  std::uint16_t sequence = 0;  // +1 per physics step, wraps
  double force_left_n = 0;     // left plate, with noise [N]
  double force_right_n = 0;    // right plate, with noise [N]
  double position_m = 0;       // platform height [m]
  double velocity_mps = 0;     // [m/s], positive up
  double motor_force_n = 0;    // downward resistance applied now; negative = supporting [N]
  double device_time_s = 0;    // time since start [s]
};

class CalfRaiseModel {
 public:
  static constexpr double kStepS = 0.001;               // physics step the server uses [s]
  static constexpr double kCarriageMassKg = 20;         // shoulder carriage [kg]
  static constexpr double kSlewNps = 10000;             // motor force slew limit [N/s]
  static constexpr double kVelocityLimitDamping = 2e6;  // eccentric mode, per excess [N/(m/s)]
  // Position hold (mode 7): a stiff, critically damped servo (1 mm per 2000 N) whose downward
  // force is capped by the slewed force setpoint and whose support is capped by max_force_n.
  static constexpr double kHoldStiffnessNpm = 2e6;
  static constexpr double kHoldApproachMps = 0.05;  // default speed to a new setpoint [m/s]
  static constexpr double kHoldAccelMps2 = 0.25;    // ...and its acceleration [m/s^2]

  // The seed of the plate noise is scenario.seed.
  CalfRaiseModel(const drivers::MachineLimits& limits, const Scenario& scenario);

  // Latest command block. Detects heartbeat changes and the reset edge (control bit 0).
  void apply_commands(const DeviceCommands& cmd);
  // Fault injection: latched until a reset; the motor unloads at once.
  void press_estop(const std::string& why);
  void inject_drive_fault(const std::string& why);

  // Advances by dt_s (one physics step; the server uses kStepS).
  void step(double dt_s);

  const DeviceMeasurements& measurements() const { return meas_; }
  double time_s() const { return t_s_; }
  std::uint32_t watchdog_trips() const { return watchdog_trips_; }
  double ground_force_n() const { return grf_n_; }  // athlete's force on both plates [N]
  double hold_reference_m() const { return x_ref_m_; }  // mode 7: where the servo holds now [m]
  double moving_mass_kg() const { return mass_kg_; }
  bool faulted() const { return estop_ || drive_fault_ || watchdog_; }
  const AthleteModel& athlete() const { return athlete_; }

  // Events since the last call, oldest first.
  std::vector<SimEvent> take_events();

 private:
  bool engaged() const;          // commanded mode is isotonic, eccentric or position hold
  void update_hold_reference(bool hold, double dt_s);
  bool heartbeat_alive() const;  // heartbeat changed within the watchdog period
  void trip(SimEvent::Kind kind, const std::string& why);
  void fire_scenario_events();
  double integrate(double grf_n, bool hold, double dt_s);  // returns the motor force applied [N]
  void update_plates();                         // draws this step's plate noise
  void update_measurements();                   // everything else, no randomness

  drivers::MachineLimits limits_;
  Scenario scenario_;
  double mass_kg_;
  AthleteModel athlete_;
  std::mt19937 rng_;
  std::normal_distribution<double> noise_;

  double t_s_ = 0;
  std::uint16_t sequence_ = 0;
  double x_m_ = 0;
  double v_mps_ = 0;
  double grf_n_ = 0;
  double motor_base_n_ = 0;   // slewed resistance before velocity limiting [N]
  double motor_force_n_ = 0;  // resistance applied in the last step [N]
  bool holding_ = false;      // position hold was in effect in the last step
  double x_ref_m_ = 0;        // position-hold reference, moving towards the setpoint [m]
  double v_ref_mps_ = 0;      // its speed in the last step [m/s]

  DeviceCommands cmd_;
  double heartbeat_changed_s_ = 0;  // when the heartbeat last changed [s]
  double engaged_since_s_ = 0;      // when the commanded mode last became engaged [s]
  bool estop_ = false;
  bool drive_fault_ = false;
  bool watchdog_ = false;
  std::uint32_t watchdog_trips_ = 0;
  std::size_t next_scenario_event_ = 0;

  DeviceMeasurements meas_;
  std::vector<SimEvent> events_;
};

}  // namespace tempoload::sim
