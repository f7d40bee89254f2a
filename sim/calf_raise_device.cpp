#include "sim/calf_raise_device.hpp"

namespace tempoload::sim {

using drivers::Signal;

void CalfRaiseDevice::apply_command_block(const drivers::RegisterMap& map,
                                          const std::uint16_t* block) {
  DeviceCommands c;
  c.heartbeat = static_cast<std::uint16_t>(map.decode(Signal::kHeartbeat, block));
  c.mode = static_cast<int>(map.decode(Signal::kMode, block));
  c.force_setpoint_n = map.decode(Signal::kForceSetpoint, block);
  c.velocity_limit_mps = map.decode(Signal::kVelocityLimit, block);
  c.control = static_cast<std::uint16_t>(map.decode(Signal::kControl, block));
  c.position_setpoint_m = map.decode(Signal::kPositionSetpoint, block);
  model_.apply_commands(c);
}

void CalfRaiseDevice::encode_measurements(const drivers::RegisterMap& map,
                                          std::uint16_t* block) const {
  const DeviceMeasurements& s = model_.measurements();
  map.encode(Signal::kStatus, s.status, block);
  map.encode(Signal::kSequence, wrap_counter(map.find(Signal::kSequence), s.sequence), block);
  map.encode(Signal::kForceLeft, s.force_left_n, block);
  map.encode(Signal::kForceRight, s.force_right_n, block);
  map.encode(Signal::kPosition, s.position_m, block);
  map.encode(Signal::kVelocity, s.velocity_mps, block);
  map.encode(Signal::kMotorForce, s.motor_force_n, block);
  map.encode(Signal::kDeviceTime, wrap_counter(map.find(Signal::kDeviceTime), s.device_time_s),
             block);
}

std::uint16_t CalfRaiseDevice::reps_in_set() const {
  return static_cast<std::uint16_t>(model_.athlete().reps_done());
}
std::uint16_t CalfRaiseDevice::athlete_phase() const {
  return static_cast<std::uint16_t>(model_.athlete().phase());
}
std::uint16_t CalfRaiseDevice::set_number() const {
  return static_cast<std::uint16_t>(model_.athlete().set_number());
}

}  // namespace tempoload::sim
