// What the dynamometer protocol engine reads, commands and reports. Plain data, SI units, no I/O.
// Torques are positive towards plantarflexion.
#pragma once

#include <array>

#include "protocols/dyno_spec.hpp"

namespace tempoload::protocols {

// One reading of the shaft, in protocol time (seconds from the start of the session).
struct DynoSample {
  double t_s = 0;
  double angle_rad = 0;
  double velocity_radps = 0;
  double torque_nm = 0;  // as measured: the athlete plus the footplate's weight
};

// Drive modes the engine uses (the device's register values are the driver's business).
enum class DynoDriveMode { kOff, kIsotonic, kIsokinetic, kPassive, kIsometric, kReactiveEccentric };

// What the dynamometer should do this cycle.
struct DynoCommand {
  DynoDriveMode mode = DynoDriveMode::kOff;
  Side side = Side::kLeft;
  double velocity_radps = 0;   // signed speed (isokinetic cap, passive, eccentric); isotonic cap
  double torque_nm = 0;        // isotonic resistance; eccentric activation torque
  double torque_limit_nm = 0;  // motor torque limit
  double angle_rad = 0;        // isometric hold angle
  double rom_min_rad = 0;      // the athlete's range: the device stops the shaft at its ends
  double rom_max_rad = 0;
};

enum class DynoPhase {
  kPositioning,  // the motor brings the foot to where the series starts
  kReady,        // holding still before a rep
  kEffort,       // the athlete's effort (the measured part of a rep)
  kReturn,       // the motor brings the foot back; the athlete relaxes
  kRest,         // between series (motor off while the leg changes)
  kGravity,      // gravity correction: holding still, athlete relaxed, measuring
  kStopping,     // holding the shaft still before releasing it
  kDone,
};
const char* to_string(DynoPhase p);

// Measurements of one rep (trivially copyable: it crosses the control loop's queue). Torques are
// gravity corrected when the leg's gravity correction was measured.
struct DynoRep {
  int series = 0;  // 1-based series number in the session
  int index = 0;   // 1-based attempt number within the series
  Side side = Side::kLeft;
  DynoMode mode = DynoMode::kIsokineticConcentric;
  double set_speed_radps = 0;
  bool complete = false;  // reached the end of the range (isometric: held the full time)
  bool gravity_corrected = false;
  double start_t_s = 0;   // movement onset (isometric: start of the hold) [s]
  double duration_s = 0;  // onset to the end of the effort [s]
  double start_angle_rad = 0;
  double end_angle_rad = 0;
  double peak_torque_nm = 0;
  double angle_of_peak_rad = 0;
  double time_to_peak_s = 0;   // from onset [s]
  double mean_torque_nm = 0;   // time-weighted (trapezoid) over the effort
  double work_j = 0;           // area under the torque-angle curve, trapezoid over |d angle| [J]
  double average_power_w = 0;  // work / duration [W]
  int set_angle_count = 0;
  std::array<double, kMaxSetAngles> torque_at_angle_nm{};  // interpolated at the first crossing
  std::array<bool, kMaxSetAngles> angle_reached{};
};

}  // namespace tempoload::protocols
