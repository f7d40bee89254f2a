// The machine as the control loop sees it. Only the control-loop thread calls these.
// Lifecycle (like ros2_control): configure (connect; reads only) -> activate (commands allowed)
// -> deactivate (safe command, disconnect). Any call may fail; the loop decides what follows.
#pragma once

#include <cstdint>
#include <string>

#include "drivers/signals.hpp"

namespace tempoload::drivers {

// One reading of the machine, SI units. Each machine kind fills its own fields (the signals its
// register map carries); the others stay 0.
struct Sample {
  std::int64_t t_ns = 0;     // loop's monotonic time when the reading arrived [ns]
  std::uint32_t status = 0;  // StatusBit field
  std::uint32_t sequence = 0;
  // calf raise
  double force_left_n = 0;
  double force_right_n = 0;
  double position_m = 0;     // platform height [m]
  double velocity_mps = 0;   // [m/s], positive up
  double motor_force_n = 0;  // resistance applied now [N]
  // dynamometer
  double angle_rad = 0;               // ankle angle, positive plantarflexion [rad]
  double angular_velocity_radps = 0;  // [rad/s], positive towards plantarflexion
  double torque_nm = 0;               // shaft torque, positive = pushing plantarflexion [N m]

  bool has(StatusBit b) const { return status & (1u << static_cast<unsigned>(b)); }
};

// What to do next cycle. Each machine kind uses the fields of its own signals; the driver clamps
// every setpoint to the map's limits.
struct Command {
  DriveMode mode = DriveMode::kOff;
  // calf raise
  double force_n = 0;             // resistance setpoint [N]
  double velocity_limit_mps = 0;  // lowering speed cap in eccentric mode; raise speed in
                                  // position hold [m/s]
  double position_m = 0;          // position-hold mode (7): platform height to hold [m]
  // dynamometer
  Side side = Side::kLeft;
  double velocity_radps = 0;   // signed shaft speed (isokinetic cap, passive, eccentric) [rad/s]
  double torque_nm = 0;        // isotonic resistance or reactive-eccentric activation [N m]
  double torque_limit_nm = 0;  // largest motor torque [N m]
  double angle_rad = 0;        // isometric hold angle [rad]
  double rom_min_rad = 0;      // the device stops the shaft at these ends [rad]
  double rom_max_rad = 0;
  bool reset_faults = false;  // request to clear latched e-stop / watchdog faults
};

enum class CycleResult { kOk, kError };

class Machine {
 public:
  virtual ~Machine() = default;
  virtual bool configure() = 0;   // connect and check the device answers; no commands
  virtual bool activate() = 0;    // commands allowed from now on
  virtual void deactivate() = 0;  // best-effort safe command (mode off), then disconnect
  // One bus exchange: sends the last staged command with a fresh heartbeat and reads a sample.
  virtual CycleResult read(Sample& out) = 0;
  // Stages the command for the next read(); never blocks.
  virtual CycleResult write(const Command& cmd) = 0;
  virtual std::string last_error() const = 0;
};

}  // namespace tempoload::drivers
