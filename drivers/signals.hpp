// The named quantities a register map can place in registers, shared by driver and simulator.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace tempoload::drivers {

// The kinds of machine a register map can describe (the map's "kind" key). Each kind has its
// own signals; a map may only carry the signals of its kind (and the common ones).
enum class MachineKind : unsigned {
  kCalfRaise = 0,    // linear platform, two force plates (docs/register-map.md)
  kDynamometer = 1,  // rotary shaft with torque sensor, isokinetic motor (docs/dynamometer.md)
};

inline constexpr std::string_view to_string(MachineKind k) {
  return k == MachineKind::kDynamometer ? "dynamometer" : "calf_raise";
}

// Measurements (device -> plugin) and commands (plugin -> device). Units are SI after scaling.
enum class Signal {
  // measurements
  kStatus,       // bit field, see StatusBit
  kSequence,     // device sample counter, wraps
  kForceLeft,    // left force plate [N]
  kForceRight,   // right force plate [N]
  kPosition,     // platform height above its lowest point [m]
  kVelocity,     // d(position)/dt [m/s]
  kMotorForce,   // resistance the motor applies now [N]
  kDeviceTime,   // device clock [s], wraps
  // commands
  kHeartbeat,      // must change every cycle; the device watchdog unloads when it stops
  kMode,           // DriveMode
  kForceSetpoint,  // motor resistance to apply [N]
  kVelocityLimit,  // largest lowering speed allowed in eccentric mode [m/s]
  kControl,        // bit field, see ControlBit
  // dynamometer measurements
  kAngle,            // ankle angle [rad]: 0 neutral, positive plantarflexion
  kAngularVelocity,  // d(angle)/dt [rad/s]
  kTorque,           // shaft torque [N m], positive = the foot pushes towards plantarflexion
  // dynamometer commands
  kTorqueSetpoint,    // isotonic resisting torque; reactive-eccentric activation torque [N m]
  kVelocitySetpoint,  // shaft speed, signed [rad/s]; in isotonic mode a speed cap (magnitude)
  kAngleSetpoint,     // isometric hold angle [rad]
  kTorqueLimit,       // largest motor torque in isokinetic, passive, isometric, eccentric [N m]
  kRomMin,            // athlete's range of motion, dorsiflexion end [rad]: the shaft stops there
  kRomMax,            // athlete's range of motion, plantarflexion end [rad]
  kSide,              // leg in the attachment: 0 left, 1 right
  // calf-raise command, appended later
  kPositionSetpoint,  // platform height to hold in position-hold mode [m]
  kCount
};

inline constexpr std::size_t kSignalCount = static_cast<std::size_t>(Signal::kCount);

enum class Direction { kMeasurement, kCommand };

// Sets of machine kinds, as bit masks (bit = MachineKind value).
inline constexpr unsigned kCalfRaiseOnly = 1u << static_cast<unsigned>(MachineKind::kCalfRaise);
inline constexpr unsigned kDynamometerOnly = 1u << static_cast<unsigned>(MachineKind::kDynamometer);
inline constexpr unsigned kAllKinds = kCalfRaiseOnly | kDynamometerOnly;
inline constexpr unsigned kNoKind = 0;

struct SignalInfo {
  Signal signal;
  std::string_view name;  // name used in register-map files
  Direction direction;
  unsigned used_by;      // kinds whose maps may carry it; others are refused
  unsigned required_by;  // kinds whose maps are refused without it

  bool used_by_kind(MachineKind k) const { return used_by & (1u << static_cast<unsigned>(k)); }
  bool required_by_kind(MachineKind k) const {
    return required_by & (1u << static_cast<unsigned>(k));
  }
};

inline constexpr std::array<SignalInfo, kSignalCount> kSignals{{
    {Signal::kStatus, "status", Direction::kMeasurement, kAllKinds, kAllKinds},
    {Signal::kSequence, "sequence", Direction::kMeasurement, kAllKinds, kNoKind},
    {Signal::kForceLeft, "force_left", Direction::kMeasurement, kCalfRaiseOnly, kCalfRaiseOnly},
    {Signal::kForceRight, "force_right", Direction::kMeasurement, kCalfRaiseOnly, kCalfRaiseOnly},
    {Signal::kPosition, "position", Direction::kMeasurement, kCalfRaiseOnly, kCalfRaiseOnly},
    {Signal::kVelocity, "velocity", Direction::kMeasurement, kCalfRaiseOnly, kCalfRaiseOnly},
    {Signal::kMotorForce, "motor_force", Direction::kMeasurement, kCalfRaiseOnly, kNoKind},
    {Signal::kDeviceTime, "device_time", Direction::kMeasurement, kAllKinds, kNoKind},
    {Signal::kHeartbeat, "heartbeat", Direction::kCommand, kAllKinds, kAllKinds},
    {Signal::kMode, "mode", Direction::kCommand, kAllKinds, kAllKinds},
    {Signal::kForceSetpoint, "force_setpoint", Direction::kCommand, kCalfRaiseOnly, kCalfRaiseOnly},
    {Signal::kVelocityLimit, "velocity_limit", Direction::kCommand, kCalfRaiseOnly, kNoKind},
    {Signal::kControl, "control", Direction::kCommand, kAllKinds, kNoKind},
    {Signal::kAngle, "angle", Direction::kMeasurement, kDynamometerOnly, kDynamometerOnly},
    {Signal::kAngularVelocity, "angular_velocity", Direction::kMeasurement, kDynamometerOnly,
     kDynamometerOnly},
    {Signal::kTorque, "torque", Direction::kMeasurement, kDynamometerOnly, kDynamometerOnly},
    {Signal::kTorqueSetpoint, "torque_setpoint", Direction::kCommand, kDynamometerOnly,
     kDynamometerOnly},
    {Signal::kVelocitySetpoint, "velocity_setpoint", Direction::kCommand, kDynamometerOnly,
     kDynamometerOnly},
    {Signal::kAngleSetpoint, "angle_setpoint", Direction::kCommand, kDynamometerOnly,
     kDynamometerOnly},
    {Signal::kTorqueLimit, "torque_limit", Direction::kCommand, kDynamometerOnly,
     kDynamometerOnly},
    {Signal::kRomMin, "rom_min", Direction::kCommand, kDynamometerOnly, kDynamometerOnly},
    {Signal::kRomMax, "rom_max", Direction::kCommand, kDynamometerOnly, kDynamometerOnly},
    {Signal::kSide, "side", Direction::kCommand, kDynamometerOnly, kDynamometerOnly},
    {Signal::kPositionSetpoint, "position_setpoint", Direction::kCommand, kCalfRaiseOnly, kNoKind},
}};

// info() indexes kSignals by the enum's value: the table must list them in order.
inline constexpr bool signals_in_enum_order() {
  for (std::size_t i = 0; i < kSignalCount; ++i)
    if (static_cast<std::size_t>(kSignals[i].signal) != i) return false;
  return true;
}
static_assert(signals_in_enum_order(), "kSignals must list the signals in enum order");

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

// Drive modes, the values written to the mode register. One numbering for every machine kind;
// each kind supports a subset and treats the others as off (docs/register-map.md,
// docs/dynamometer.md).
enum class DriveMode : unsigned {
  kOff = 0,                       // no resistance
  kIsotonic = 1,                  // constant force (calf raise) or torque (dynamometer) setpoint
  kEccentricVelocityLimited = 2,  // calf raise: force setpoint, lowering speed capped
  kIsokinetic = 3,         // dynamometer: the athlete drives, speed capped at velocity_setpoint
  kPassive = 4,            // dynamometer: the motor moves the shaft at velocity_setpoint
  kIsometric = 5,          // dynamometer: the motor holds angle_setpoint
  kReactiveEccentric = 6,  // dynamometer: as passive, moving only while the athlete resists
  kPositionHold = 7,  // calf raise: servo to position_setpoint (moving at <= velocity_limit),
                      // pushing down at most force_setpoint; a stronger athlete moves it
};

// Leg in a dynamometer's attachment, the value of the side register.
enum class Side : unsigned { kLeft = 0, kRight = 1 };

}  // namespace tempoload::drivers
