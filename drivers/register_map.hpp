// A machine model's Modbus register map, loaded from a JSON file (format: docs/register-map.md).
// The driver and the simulator both use it, so they agree on every address and scale.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "drivers/signals.hpp"

namespace tempoload::drivers {

// A map that is malformed or inconsistent; what() names the file and the entry.
class RegisterMapError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class RegisterType { kUint16, kInt16, kUint32, kInt32, kFloat32 };
enum class WordOrder { kHighWordFirst, kLowWordFirst };  // for 32-bit values

struct RegisterEntry {
  Signal signal;
  std::uint16_t address;  // absolute holding-register address
  RegisterType type;
  double scale = 1.0;   // physical value = raw * scale + offset
  double offset = 0.0;
  WordOrder word_order = WordOrder::kHighWordFirst;
  std::string unit;         // documentation only, e.g. "N"
  std::string description;  // documentation only

  int width() const;  // registers taken: 1 or 2
};

// A contiguous run of holding registers read (measurements) or written (commands) in one go.
struct RegisterBlock {
  std::uint16_t address = 0;
  std::uint16_t count = 0;
  std::vector<RegisterEntry> entries;
};

// What the plugin never exceeds on this machine. Fields of the other machine kind stay 0.
struct MachineLimits {
  double max_force_n = 0;  // calf raise: the machine never applies more resistance [N]
  double travel_m = 0;     // calf raise: full platform travel [m]
  double watchdog_s = 0;   // device unloads when the heartbeat is unchanged this long [s]
  double max_torque_nm = 0;    // dynamometer: largest motor torque or torque limit [N m]
  double max_speed_radps = 0;  // dynamometer: largest shaft speed commanded [rad/s]
  double angle_min_rad = 0;    // dynamometer: mechanical end stop, dorsiflexion side [rad]
  double angle_max_rad = 0;    // dynamometer: mechanical end stop, plantarflexion side [rad]
};

class RegisterMap {
 public:
  // Parses and validates; throws RegisterMapError naming `source` and the bad entry.
  static RegisterMap parse(const std::string& json_text, const std::string& source);
  static RegisterMap load_file(const std::filesystem::path& path);

  const std::string& model() const { return model_; }
  MachineKind kind() const { return kind_; }  // "kind" key; calf_raise when absent
  const std::string& version() const { return version_; }
  int unit_id() const { return unit_id_; }
  const RegisterBlock& measurements() const { return measurements_; }
  const RegisterBlock& commands() const { return commands_; }
  const MachineLimits& limits() const { return limits_; }

  // The entry of a signal, or nullptr when this map does not carry it.
  const RegisterEntry* find(Signal s) const;

  // Value of `s` from a copy of its block's registers (block[0] is the block's first address).
  // Returns `fallback` when the map does not carry the signal.
  double decode(Signal s, const std::uint16_t* block, double fallback = 0.0) const;
  // Writes `value` into a copy of its block's registers; saturates at the type's range.
  // Returns false when the map does not carry the signal or the value saturated.
  bool encode(Signal s, double value, std::uint16_t* block) const;

 private:

  std::string model_;
  MachineKind kind_ = MachineKind::kCalfRaise;
  std::string version_;
  int unit_id_ = 1;
  RegisterBlock measurements_;
  RegisterBlock commands_;
  MachineLimits limits_;
  // Position of each signal's entry in its block's entries; -1 when absent. Indices, not
  // pointers, so that maps copy safely.
  std::array<int, kSignalCount> index_{};
};

// Codec of one entry, on the registers starting at the entry's own address.
double decode_entry(const RegisterEntry& e, const std::uint16_t* regs);
bool encode_entry(const RegisterEntry& e, double value, std::uint16_t* regs);

}  // namespace tempoload::drivers
