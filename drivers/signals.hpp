// The named quantities a register map can place in registers, shared by driver and simulator.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace tempoload::drivers {

// Measurements (device -> plugin) and commands (plugin -> device). Units are SI after scaling.
enum class Signal {
  // measurements
  kStatus,       // bit field, see StatusBit
  kSequence,     // device sample counter, wraps
  kForceLeft,    // left force plate [N]
  kForceRight,   // right force plate [N]
  kPosition,     // platform height above its lowest point [m] (calf raise) or angle [rad]
  kVelocity,     // d(position)/dt [m/s] or [rad/s]
  kMotorForce,   // resistance the motor applies now [N] (or torque [N m])
  kDeviceTime,   // device clock [s], wraps
  // commands
  kHeartbeat,      // must change every cycle; the device watchdog unloads when it stops
  kMode,           // DriveMode
  kForceSetpoint,  // motor resistance to apply [N]
  kVelocityLimit,  // largest lowering speed allowed in eccentric mode [m/s]
  kControl,        // bit field, see ControlBit
  kCount
};

inline constexpr std::size_t kSignalCount = static_cast<std::size_t>(Signal::kCount);

enum class Direction { kMeasurement, kCommand };

struct SignalInfo {
  Signal signal;
  std::string_view name;  // name used in register-map files
  Direction direction;
  bool required;  // a map without it is refused
};

inline constexpr std::array<SignalInfo, kSignalCount> kSignals{{
    {Signal::kStatus, "status", Direction::kMeasurement, true},
    {Signal::kSequence, "sequence", Direction::kMeasurement, false},
    {Signal::kForceLeft, "force_left", Direction::kMeasurement, true},
    {Signal::kForceRight, "force_right", Direction::kMeasurement, true},
    {Signal::kPosition, "position", Direction::kMeasurement, true},
    {Signal::kVelocity, "velocity", Direction::kMeasurement, true},
    {Signal::kMotorForce, "motor_force", Direction::kMeasurement, false},
    {Signal::kDeviceTime, "device_time", Direction::kMeasurement, false},
    {Signal::kHeartbeat, "heartbeat", Direction::kCommand, true},
    {Signal::kMode, "mode", Direction::kCommand, true},
    {Signal::kForceSetpoint, "force_setpoint", Direction::kCommand, true},
    {Signal::kVelocityLimit, "velocity_limit", Direction::kCommand, false},
    {Signal::kControl, "control", Direction::kCommand, false},
}};

inline constexpr const SignalInfo& info(Signal s) { return kSignals[static_cast<std::size_t>(s)]; }

inline std::optional<Signal> signal_from_name(std::string_view name) {
  for (const auto& s : kSignals)
    if (s.name == name) return s.signal;
  return std::nullopt;
}

// Bits of the status register. Positions are fixed by this enum; maps may not move them.
enum class StatusBit : unsigned {
  kReady = 0,            // drive powered and able to apply load
  kEstop = 1,            // e-stop pressed (latched by the device until a reset)
  kDriveFault = 2,       // drive reports an internal fault
  kWatchdogTripped = 3,  // heartbeat stopped; the device unloaded itself (latched until reset)
};

// Bits of the control register.
enum class ControlBit : unsigned {
  kResetFaults = 0,  // rising edge clears latched e-stop and watchdog faults
};

// Drive modes, the values written to the mode register.
enum class DriveMode : unsigned {
  kOff = 0,                       // no resistance
  kIsotonic = 1,                  // constant force setpoint
  kEccentricVelocityLimited = 2,  // force setpoint, lowering speed capped at velocity_limit
};

}  // namespace tempoload::drivers
