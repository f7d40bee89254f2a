#include "plugin/loop/dynamometer_program.hpp"

#include <algorithm>

namespace tempoload::plugin {

using drivers::DriveMode;
using protocols::DynoDriveMode;

DynamometerProgram::DynamometerProgram(const protocols::DynoTestSpec& spec, std::uint32_t set_id,
                                       DynamometerLimits limits, DynamometerQueues& out)
    : protocol_(spec), set_id_(set_id), limits_(limits), out_(out) {}

drivers::Command DynamometerProgram::to_drive(const protocols::DynoCommand& c) const {
  drivers::Command d;
  switch (c.mode) {
    case DynoDriveMode::kOff:
      return d;
    case DynoDriveMode::kIsotonic:
      d.mode = DriveMode::kIsotonic;
      break;
    case DynoDriveMode::kIsokinetic:
      d.mode = DriveMode::kIsokinetic;
      break;
    case DynoDriveMode::kPassive:
      d.mode = DriveMode::kPassive;
      break;
    case DynoDriveMode::kIsometric:
      d.mode = DriveMode::kIsometric;
      break;
    case DynoDriveMode::kReactiveEccentric:
      d.mode = DriveMode::kReactiveEccentric;
      break;
  }
  d.side = c.side == protocols::Side::kRight ? drivers::Side::kRight : drivers::Side::kLeft;
  d.velocity_radps =
      std::clamp(c.velocity_radps, -limits_.max_speed_radps, limits_.max_speed_radps);
  d.torque_nm = std::clamp(c.torque_nm, 0.0, limits_.max_torque_nm);
  d.torque_limit_nm = std::clamp(c.torque_limit_nm, 0.0, limits_.max_torque_nm);
  d.angle_rad = c.angle_rad;
  d.rom_min_rad = c.rom_min_rad;
  d.rom_max_rad = c.rom_max_rad;
  return d;
}

DynoLoopEvent DynamometerProgram::event(DynoEventKind kind, const drivers::Sample& s,
                                        double t_s) const {
  DynoLoopEvent e;
  e.kind = kind;
  e.set_id = set_id_;
  e.t_s = t_s;
  e.phase = protocol_.phase();
  e.series = protocol_.series_number();
  e.side = protocol_.series().side;
  e.mode = protocol_.series().mode;
  e.attempts = protocol_.attempts_in_series();
  e.angle_rad = s.angle_rad;
  e.velocity_radps = s.angular_velocity_radps;
  e.torque_nm = protocol_.corrected_torque_nm();
  e.commanded_velocity_radps = protocol_.commanded_velocity_radps();
  e.end_reason = protocol_.end_reason();
  return e;
}

DynamometerProgram::Result DynamometerProgram::cycle(const drivers::Sample& s, double t_s,
                                                     bool tick) {
  Result r;
  const protocols::DynoSample sample{t_s, s.angle_rad, s.angular_velocity_radps, s.torque_nm};
  const protocols::DynoUpdate u = protocol_.update(sample);
  if (u.rom_exceeded) {
    r.fault = FaultCode::kRomExceeded;
    return r;
  }
  r.command = to_drive(u.command);
  if (u.rep_completed) {
    DynoLoopEvent e = event(DynoEventKind::kRep, s, t_s);
    e.rep = protocol_.last_rep();
    e.series = e.rep.series;
    out_.events.push(e);
  }
  if (u.gravity_measured) {
    DynoLoopEvent e = event(DynoEventKind::kGravity, s, t_s);
    e.gravity = protocol_.gravity(protocol_.gravity_side());
    out_.events.push(e);
  }
  if (u.series_finished) {
    DynoLoopEvent e = event(DynoEventKind::kSeriesFinished, s, t_s);
    e.series = protocol_.finished_series();
    out_.events.push(e);
  }
  if (u.finished) {
    out_.events.push(event(DynoEventKind::kFinished, s, t_s));
    r.finished = true;
  } else if (tick) {
    out_.ticks.push(event(DynoEventKind::kTick, s, t_s));
  }
  return r;
}

void DynamometerProgram::fault(FaultCode code, const drivers::Sample& s, double t_s) {
  protocol_.fault();
  DynoLoopEvent e = event(DynoEventKind::kFault, s, t_s);
  e.fault = code;
  out_.events.push(e);
  e.kind = DynoEventKind::kFinished;
  e.end_reason = protocols::EndReason::kFault;
  out_.events.push(e);
}

}  // namespace tempoload::plugin
