// The isokinetic dynamometer with its athlete: shaft physics, the servo motor's modes, the
// footplate's weight, the torque sensor, range-of-motion stops, device watchdog and latched
// faults. Pure: no sockets, no wall clock; the caller advances time with step().
//
// Physics (angle a, positive plantarflexion; J the footplate and foot about the axis):
//   J a'' = T_athlete + T_gravity(a) + T_motor
//   T_gravity(a) = -m g r cos(a - a_level)          footplate and relaxed foot
//   torque sensor = T_athlete + T_gravity - J a''     what the footplate side transmits
// so at constant speed the sensor reads the athlete plus the footplate (docs/dynamometer.md).
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "drivers/register_map.hpp"
#include "sim/dynamometer_athlete.hpp"
#include "sim/dynamometer_scenario.hpp"
#include "sim/sim_event.hpp"

namespace tempoload::sim {

// The command block as the device reads it (decoded with the register map).
struct DynamometerCommands {
  std::uint16_t heartbeat = 0;
  int mode = 0;  // drivers::DriveMode; unsupported values count as off
  std::uint16_t control = 0;
  int side = 0;                        // 0 left, 1 right; other values count as left
  double velocity_setpoint_radps = 0;  // signed
  double torque_setpoint_nm = 0;
  double torque_limit_nm = 0;
  double angle_setpoint_rad = 0;
  double rom_min_rad = 0;
  double rom_max_rad = 0;
};

struct DynamometerMeasurements {
  std::uint16_t status = 0;
  std::uint16_t sequence = 0;
  double angle_rad = 0;
  double velocity_radps = 0;
  double torque_nm = 0;  // with noise
  double device_time_s = 0;
};

class DynamometerModel {
 public:
  static constexpr double kStepS = 0.001;
  static constexpr double kTorqueSlewNmps = 2000;  // isotonic torque setpoint slew [N m/s]
  static constexpr double kPositionGain = 20;      // passive, isometric, eccentric servo [1/s]
  static constexpr double kIsometricApproachRadps = 0.5236;  // 30 deg/s to reach a hold angle
  static constexpr double kGravity = 9.81;

  DynamometerModel(const drivers::MachineLimits& limits, const DynamometerScenario& scenario);

  void apply_commands(const DynamometerCommands& cmd);
  void press_estop(const std::string& why);
  void inject_drive_fault(const std::string& why);
  void step(double dt_s);

  const DynamometerMeasurements& measurements() const { return meas_; }
  double time_s() const { return t_s_; }
  std::uint32_t watchdog_trips() const { return watchdog_trips_; }
  bool faulted() const { return estop_ || drive_fault_ || watchdog_; }
  const DynamometerAthlete& athlete() const { return athlete_; }
  double gravity_torque_nm(double angle_rad) const;
  double motor_torque_nm() const { return motor_nm_; }      // applied in the last step
  double athlete_torque_nm() const { return athlete_nm_; }  // in the last step
  int mode_in_effect() const;  // the drive mode applied now (0 when off, faulted, unsupported)
  std::vector<SimEvent> take_events();

 private:
  bool engaged() const;
  bool heartbeat_alive() const;
  void trip(SimEvent::Kind kind, const std::string& why);
  void fire_scenario_events();
  double motor_torque(int mode, double external_nm, double dt_s);
  void update_measurements();

  drivers::MachineLimits limits_;
  DynamometerScenario scenario_;
  DynamometerAthlete athlete_;
  std::mt19937 rng_;
  std::normal_distribution<double> noise_;

  double t_s_ = 0;
  std::uint16_t sequence_ = 0;
  double angle_rad_ = 0;
  double velocity_radps_ = 0;
  double sensor_nm_ = 0;  // last reading without noise
  double noise_nm_ = 0;   // this step's sensor noise
  double motor_nm_ = 0;
  double athlete_nm_ = 0;
  double isotonic_nm_ = 0;    // slewed isotonic setpoint
  double reference_rad_ = 0;  // the servo's position reference (passive, eccentric)
  int last_mode_ = 0;

  DynamometerCommands cmd_;
  double heartbeat_changed_s_ = 0;
  double engaged_since_s_ = 0;
  bool estop_ = false;
  bool drive_fault_ = false;
  bool watchdog_ = false;
  std::uint32_t watchdog_trips_ = 0;
  std::optional<double> first_engaged_s_;
  std::size_t next_scenario_event_ = 0;

  DynamometerMeasurements meas_;
  std::vector<SimEvent> events_;
};

}  // namespace tempoload::sim
