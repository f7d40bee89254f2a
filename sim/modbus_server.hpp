// The simulator's Modbus TCP server (libmodbus) on 127.0.0.1. Single thread: select() over the
// listening socket and every client with a timeout of at most 1 ms, so the physics advances in
// fixed 1 ms steps by steady-clock time whether or not requests arrive.
//
// Holding registers [0, max(end of the map's blocks, sim-control end)) only. Before each reply
// the measurement block and the read-only sim-control registers are refreshed from the model;
// after each request the command block is decoded into the model and sim-control writes are
// acted on. Refused with an exception: addresses outside the table (02, by libmodbus), writes
// to the measurement block or read-only sim-control registers (02), unit ids other than the
// map's, 0 and 255 (0B, gateway target failed to respond).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <memory>

#include "drivers/register_map.hpp"
#include "sim/calf_raise_model.hpp"
#include "sim/device_model.hpp"

struct _modbus;
struct _modbus_mapping_t;

namespace tempoload::sim {

struct ServerOptions {
  int port = 1502;                              // 0 binds a free port; see port()
  std::function<void(const std::string&)> log;  // one line per notable event; empty = quiet
};

class ModbusServer {
 public:
  static constexpr int kMaxClients = 16;
  // A stall of the simulator process itself (a busy test machine) longer than 20 ms is dropped,
  // not replayed, so it is never taken for a lost heartbeat (watchdogs are 100 ms).
  static constexpr int kMaxCatchUpSteps = 20;

  // Serves `device` with the register map's layout.
  ModbusServer(drivers::RegisterMap map, std::unique_ptr<DeviceModel> device,
               ServerOptions options);
  // The calf-raise machine (the model wrapped in a CalfRaiseDevice).
  ModbusServer(drivers::RegisterMap map, CalfRaiseModel model, ServerOptions options);
  ~ModbusServer();
  ModbusServer(const ModbusServer&) = delete;
  ModbusServer& operator=(const ModbusServer&) = delete;

  // Binds and listens; false with error() set when it cannot.
  bool listen();
  int port() const { return port_; }  // the bound port, after listen()
  const std::string& error() const { return error_; }

  // Serves until `stop` is true, or for max_duration_s when > 0.
  void run(const std::atomic<bool>& stop, double max_duration_s = 0);

 private:
  struct WriteRange {
    int address = 0;
    int count = 0;  // 0: the request writes no holding register
  };

  void accept_client();
  bool serve(int fd);  // false: drop the client
  WriteRange write_range(int length) const;
  bool write_refused(const WriteRange& w) const;
  bool hang_control_only(const WriteRange& w) const;
  void advance_physics();
  void refresh_registers();
  void apply_request();
  void emit_events();
  void log(const std::string& line) const;

  drivers::RegisterMap map_;
  std::unique_ptr<DeviceModel> model_;
  ServerOptions options_;
  _modbus* ctx_ = nullptr;
  _modbus_mapping_t* mapping_ = nullptr;
  int listen_fd_ = -1;
  int port_ = 0;
  int header_length_ = 7;
  std::vector<int> clients_;
  std::vector<std::uint8_t> query_;  // one ADU, sized once
  bool hung_ = false;
  std::chrono::steady_clock::time_point last_step_;
  std::string error_;
};

}  // namespace tempoload::sim
