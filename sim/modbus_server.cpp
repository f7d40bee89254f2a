#include "sim/modbus_server.hpp"

#include <arpa/inet.h>
#include <modbus.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "sim/calf_raise_device.hpp"
#include "sim/sim_control.hpp"

namespace tempoload::sim {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kStep = std::chrono::microseconds(1000);
static_assert(CalfRaiseModel::kStepS == 0.001);

int table_size(const drivers::RegisterMap& map) {
  const auto& m = map.measurements();
  const auto& c = map.commands();
  return std::max({m.address + m.count, c.address + c.count, int{control::kEnd}});
}

}  // namespace

ModbusServer::ModbusServer(drivers::RegisterMap map, std::unique_ptr<DeviceModel> device,
                           ServerOptions options)
    : map_(std::move(map)),
      model_(std::move(device)),
      options_(std::move(options)),
      query_(MODBUS_TCP_MAX_ADU_LENGTH) {}

ModbusServer::ModbusServer(drivers::RegisterMap map, CalfRaiseModel model, ServerOptions options)
    : ModbusServer(std::move(map), std::make_unique<CalfRaiseDevice>(std::move(model)),
                   std::move(options)) {}

ModbusServer::~ModbusServer() {
  for (int fd : clients_) close(fd);
  if (listen_fd_ >= 0) close(listen_fd_);
  if (mapping_) modbus_mapping_free(mapping_);
  if (ctx_) modbus_free(ctx_);  // sockets are ours, closed above
}

bool ModbusServer::listen() {
  ctx_ = modbus_new_tcp("127.0.0.1", options_.port);
  mapping_ = modbus_mapping_new_start_address(0, 0, 0, 0, 0, table_size(map_), 0, 0);
  if (!ctx_ || !mapping_) {
    error_ = std::string("cannot create the Modbus context: ") + modbus_strerror(errno);
    return false;
  }
  header_length_ = modbus_get_header_length(ctx_);
  // A request split mid-frame may stall the loop this long at most; libmodbus also sleeps the
  // response timeout before flushing after a malformed request.
  modbus_set_byte_timeout(ctx_, 0, 20000);
  modbus_set_response_timeout(ctx_, 0, 1000);
  listen_fd_ = modbus_tcp_listen(ctx_, kMaxClients);
  if (listen_fd_ < 0) {
    error_ = "cannot listen on 127.0.0.1:" + std::to_string(options_.port) + ": " +
             modbus_strerror(errno);
    return false;
  }
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    error_ = std::string("getsockname: ") + std::strerror(errno);
    return false;
  }
  port_ = ntohs(addr.sin_port);
  refresh_registers();
  return true;
}

void ModbusServer::log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

void ModbusServer::run(const std::atomic<bool>& stop, double max_duration_s) {
  const auto start = Clock::now();
  last_step_ = start;
  while (!stop.load(std::memory_order_relaxed)) {
    if (max_duration_s > 0 && Clock::now() - start >= std::chrono::duration<double>(max_duration_s))
      break;
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(listen_fd_, &readable);
    int max_fd = listen_fd_;
    for (int fd : clients_) {
      FD_SET(fd, &readable);
      max_fd = std::max(max_fd, fd);
    }
    // Wake up at the next physics step at the latest.
    const auto since =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - last_step_);
    timeval tv{0, static_cast<suseconds_t>(std::clamp<long>(1000 - since.count(), 0, 1000))};
    const int ready = select(max_fd + 1, &readable, nullptr, nullptr, &tv);
    advance_physics();
    if (ready < 0) {
      if (errno == EINTR) continue;
      log(std::string("select failed: ") + std::strerror(errno));
      break;
    }
    if (ready > 0) {
      // Clients first (a dropped one is closed and removed), then a new connection.
      for (std::size_t i = 0; i < clients_.size();) {
        const int fd = clients_[i];
        if (FD_ISSET(fd, &readable) && !serve(fd)) {
          close(fd);
          clients_.erase(clients_.begin() + static_cast<long>(i));
          log("client disconnected (" + std::to_string(clients_.size()) + " left)");
        } else {
          ++i;
        }
      }
      if (FD_ISSET(listen_fd_, &readable)) accept_client();
    }
    emit_events();
  }
  emit_events();
}

void ModbusServer::accept_client() {
  const int fd = modbus_tcp_accept(ctx_, &listen_fd_);
  if (fd < 0) return;
  if (fd >= FD_SETSIZE || static_cast<int>(clients_.size()) >= kMaxClients) {
    log("client refused: too many connections");
    close(fd);
    return;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  clients_.push_back(fd);
  log("client connected (" + std::to_string(clients_.size()) + " connected)");
}

ModbusServer::WriteRange ModbusServer::write_range(int length) const {
  const std::uint8_t* q = query_.data() + header_length_;
  const int avail = length - header_length_;
  auto word = [&](int i) { return (q[i] << 8) | q[i + 1]; };
  switch (q[0]) {
    case MODBUS_FC_WRITE_SINGLE_REGISTER:
    case MODBUS_FC_MASK_WRITE_REGISTER:
      if (avail >= 3) return {word(1), 1};
      break;
    case MODBUS_FC_WRITE_MULTIPLE_REGISTERS:
      if (avail >= 5) return {word(1), word(3)};
      break;
    case MODBUS_FC_WRITE_AND_READ_REGISTERS:
      if (avail >= 9) return {word(5), word(7)};
      break;
    default:
      break;
  }
  return {};
}

// Writes into the measurement block or read-only sim-control registers.
bool ModbusServer::write_refused(const WriteRange& w) const {
  if (w.count <= 0 || w.count > MODBUS_MAX_WRITE_REGISTERS) return false;  // libmodbus answers
  const auto& m = map_.measurements();
  const int end = w.address + w.count;
  if (w.address < m.address + m.count && m.address < end) return true;
  for (int a = std::max(w.address, int{control::kBase}); a < std::min(end, int{control::kEnd}); ++a)
    if (!control::is_writable(static_cast<std::uint16_t>(a))) return true;
  return false;
}

// While hung, only a write confined to sim-control that touches the hang register is served.
bool ModbusServer::hang_control_only(const WriteRange& w) const {
  const int fc = query_[header_length_];
  if (fc != MODBUS_FC_WRITE_SINGLE_REGISTER && fc != MODBUS_FC_WRITE_MULTIPLE_REGISTERS)
    return false;
  return w.count > 0 && w.address >= control::kBase && w.address + w.count <= control::kEnd &&
         w.address <= control::kHang && control::kHang < w.address + w.count;
}

bool ModbusServer::serve(int fd) {
  modbus_set_socket(ctx_, fd);
  const int length = modbus_receive(ctx_, query_.data());
  if (length < 0) return false;  // closed by the client, or a frame that cannot be parsed
  if (length == 0) return true;  // ignored by libmodbus
  const WriteRange w = write_range(length);
  if (hung_ && !hang_control_only(w)) return true;  // read and dropped: the device is silent

  const int unit = query_[header_length_ - 1];
  if (unit != map_.unit_id() && unit != 0 && unit != 255) {
    return modbus_reply_exception(ctx_, query_.data(), MODBUS_EXCEPTION_GATEWAY_TARGET) >= 0;
  }
  if (write_refused(w)) {
    return modbus_reply_exception(ctx_, query_.data(), MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS) >= 0;
  }
  refresh_registers();
  if (modbus_reply(ctx_, query_.data(), length, mapping_) < 0) return false;
  if (w.count > 0) apply_request();
  return true;
}

void ModbusServer::advance_physics() {
  const auto now = Clock::now();
  auto steps = (now - last_step_) / kStep;
  if (steps > kMaxCatchUpSteps) {
    steps = kMaxCatchUpSteps;
    last_step_ = now;
  } else {
    last_step_ += steps * kStep;
  }
  for (long i = 0; i < steps; ++i) model_->step(CalfRaiseModel::kStepS);
}

void ModbusServer::refresh_registers() {
  std::uint16_t* regs = mapping_->tab_registers;
  model_->encode_measurements(map_, regs + map_.measurements().address);

  const auto ms = static_cast<std::uint32_t>(std::llround(model_->time_s() * 1000));
  regs[control::kWatchdogTrips] =
      static_cast<std::uint16_t>(std::min<std::uint32_t>(model_->watchdog_trips(), 65535));
  regs[control::kSimTimeMsHigh] = static_cast<std::uint16_t>(ms >> 16);
  regs[control::kSimTimeMsLow] = static_cast<std::uint16_t>(ms & 0xFFFF);
  regs[control::kRepsInSet] = model_->reps_in_set();
  regs[control::kAthletePhase] = model_->athlete_phase();
  regs[control::kSetNumber] = model_->set_number();
}

void ModbusServer::apply_request() {
  std::uint16_t* regs = mapping_->tab_registers;
  model_->apply_command_block(map_, regs + map_.commands().address);

  if (regs[control::kPressEstop] != 0) {
    regs[control::kPressEstop] = 0;
    model_->press_estop("sim-control register");
  }
  if (regs[control::kInjectDriveFault] != 0) {
    regs[control::kInjectDriveFault] = 0;
    model_->inject_drive_fault("sim-control register");
  }
  const bool hang = regs[control::kHang] != 0;
  if (hang != hung_) log(hang ? "hanging: requests are dropped" : "answering again");
  hung_ = hang;
}

void ModbusServer::emit_events() {
  for (const SimEvent& e : model_->take_events()) log(describe(e));
}

}  // namespace tempoload::sim
