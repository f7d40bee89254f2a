// Machine over Modbus TCP (libmodbus), laid out by a RegisterMap. One transaction per cycle:
// function 23 writes the command block and reads the measurement block together.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "drivers/machine.hpp"
#include "drivers/register_map.hpp"

struct _modbus;  // libmodbus's opaque context

namespace tempoload::drivers {

struct ModbusTcpEndpoint {
  std::string host = "127.0.0.1";
  int port = 1502;
  double response_timeout_s = 0.05;  // a reply later than this is a comms error [s]
};

class ModbusMachine final : public Machine {
 public:
  ModbusMachine(RegisterMap map, ModbusTcpEndpoint endpoint);
  ~ModbusMachine() override;
  ModbusMachine(const ModbusMachine&) = delete;
  ModbusMachine& operator=(const ModbusMachine&) = delete;

  bool configure() override;
  bool activate() override;
  void deactivate() override;
  CycleResult read(Sample& out) override;
  CycleResult write(const Command& cmd) override;
  std::string last_error() const override { return last_error_.data(); }

  const RegisterMap& map() const { return map_; }
  std::uint64_t comms_errors() const { return comms_errors_; }

 private:
  bool connect();
  void encode_command();
  void encode_dynamometer(const Command& c);

  RegisterMap map_;
  ModbusTcpEndpoint endpoint_;
  _modbus* ctx_ = nullptr;
  bool active_ = false;
  Command staged_;
  std::uint16_t heartbeat_ = 0;
  std::vector<std::uint16_t> command_regs_;      // sized once, reused every cycle
  std::vector<std::uint16_t> measurement_regs_;  // sized once, reused every cycle
  std::uint64_t comms_errors_ = 0;
  void set_error(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
  std::array<char, 200> last_error_{};  // fixed: set on the loop thread without allocating
};

}  // namespace tempoload::drivers
