#include "sim/dynamometer_device.hpp"

namespace tempoload::sim {

using drivers::Signal;

void DynamometerDevice::apply_command_block(const drivers::RegisterMap& map,
                                            const std::uint16_t* block) {
  DynamometerCommands c;
  c.heartbeat = static_cast<std::uint16_t>(map.decode(Signal::kHeartbeat, block));
  c.mode = static_cast<int>(map.decode(Signal::kMode, block));
  c.control = static_cast<std::uint16_t>(map.decode(Signal::kControl, block));
  c.side = static_cast<int>(map.decode(Signal::kSide, block));
  c.velocity_setpoint_radps = map.decode(Signal::kVelocitySetpoint, block);
  c.torque_setpoint_nm = map.decode(Signal::kTorqueSetpoint, block);
  c.torque_limit_nm = map.decode(Signal::kTorqueLimit, block);
  c.angle_setpoint_rad = map.decode(Signal::kAngleSetpoint, block);
  c.rom_min_rad = map.decode(Signal::kRomMin, block);
  c.rom_max_rad = map.decode(Signal::kRomMax, block);
  model_.apply_commands(c);
}

void DynamometerDevice::encode_measurements(const drivers::RegisterMap& map,
                                            std::uint16_t* block) const {
  const DynamometerMeasurements& m = model_.measurements();
  map.encode(Signal::kStatus, m.status, block);
  map.encode(Signal::kSequence, wrap_counter(map.find(Signal::kSequence), m.sequence), block);
  map.encode(Signal::kAngle, m.angle_rad, block);
  map.encode(Signal::kAngularVelocity, m.velocity_radps, block);
  map.encode(Signal::kTorque, m.torque_nm, block);
  map.encode(Signal::kDeviceTime, wrap_counter(map.find(Signal::kDeviceTime), m.device_time_s),
             block);
}

std::uint16_t DynamometerDevice::reps_in_set() const {
  const auto& a = model_.athlete();
  return static_cast<std::uint16_t>(a.efforts_done(a.side()));
}
std::uint16_t DynamometerDevice::athlete_phase() const {
  return static_cast<std::uint16_t>(model_.athlete().state());
}
std::uint16_t DynamometerDevice::set_number() const {
  return static_cast<std::uint16_t>(model_.athlete().side());
}

}  // namespace tempoload::sim
