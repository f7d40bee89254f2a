// What the Modbus server needs from a simulated machine: advance its physics, take the command
// block, fill the measurement block, inject faults, and report what the sim-control registers
// show. One implementation per machine kind (calf_raise_device.hpp, dynamometer_device.hpp),
// chosen by the register map's kind.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "drivers/register_map.hpp"
#include "sim/sim_event.hpp"

namespace tempoload::sim {

class DeviceModel {
 public:
  virtual ~DeviceModel() = default;

  virtual void step(double dt_s) = 0;
  // The command block (block[0] at the block's first address) was written: decode and apply it.
  virtual void apply_command_block(const drivers::RegisterMap& map, const std::uint16_t* block) = 0;
  // Fills the measurement block (block[0] at the block's first address).
  virtual void encode_measurements(const drivers::RegisterMap& map, std::uint16_t* block) const = 0;
  // Fault injection: latched until a reset; the motor unloads at once.
  virtual void press_estop(const std::string& why) = 0;
  virtual void inject_drive_fault(const std::string& why) = 0;

  virtual double time_s() const = 0;
  virtual std::uint32_t watchdog_trips() const = 0;
  // Sim-control registers 204, 206 and 208 (sim_control.hpp; their meaning per machine kind is
  // in docs/simulator.md and docs/dynamometer.md).
  virtual std::uint16_t reps_in_set() const = 0;
  virtual std::uint16_t athlete_phase() const = 0;
  virtual std::uint16_t set_number() const = 0;
  // Events since the last call, oldest first.
  virtual std::vector<SimEvent> take_events() = 0;
};

// A counter that wraps like its register instead of saturating (e.g. device_time in ms).
inline double wrap_counter(const drivers::RegisterEntry* e, double value) {
  if (!e) return value;
  double span = 0;
  if (e->type == drivers::RegisterType::kUint16) span = 65536.0 * e->scale;
  if (e->type == drivers::RegisterType::kUint32) span = 4294967296.0 * e->scale;
  return span > 0 ? e->offset + std::fmod(value - e->offset, span) : value;
}

}  // namespace tempoload::sim
