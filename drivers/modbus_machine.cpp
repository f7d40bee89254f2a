#include "drivers/modbus_machine.hpp"

#include <modbus.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace tempoload::drivers {
namespace {

std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

void ModbusMachine::set_error(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(last_error_.data(), last_error_.size(), fmt, args);
  va_end(args);
}

ModbusMachine::ModbusMachine(RegisterMap map, ModbusTcpEndpoint endpoint)
    : map_(std::move(map)),
      endpoint_(std::move(endpoint)),
      command_regs_(map_.commands().count, 0),
      measurement_regs_(map_.measurements().count, 0) {}

ModbusMachine::~ModbusMachine() {
  if (ctx_) {
    modbus_close(ctx_);
    modbus_free(ctx_);
  }
}

bool ModbusMachine::connect() {
  if (ctx_) {
    modbus_close(ctx_);
    modbus_free(ctx_);
  }
  ctx_ = modbus_new_tcp(endpoint_.host.c_str(), endpoint_.port);
  if (!ctx_) {
    set_error("modbus_new_tcp failed for %s", endpoint_.host.c_str());
    return false;
  }
  modbus_set_slave(ctx_, map_.unit_id());
  const double t = endpoint_.response_timeout_s;
  const auto sec = static_cast<std::uint32_t>(t);
  modbus_set_response_timeout(ctx_, sec, static_cast<std::uint32_t>((t - sec) * 1e6));
  if (modbus_connect(ctx_) == -1) {
    set_error("cannot connect to %s:%d: %s", endpoint_.host.c_str(), endpoint_.port,
              modbus_strerror(errno));
    return false;
  }
  return true;
}

bool ModbusMachine::configure() {
  active_ = false;
  if (!connect()) return false;
  const auto& m = map_.measurements();
  if (modbus_read_registers(ctx_, m.address, m.count, measurement_regs_.data()) != m.count) {
    set_error("device does not answer the measurement block: %s", modbus_strerror(errno));
    return false;
  }
  staged_ = Command{};
  return true;
}

bool ModbusMachine::activate() {
  if (!ctx_) {
    set_error("activate before configure");
    return false;
  }
  active_ = true;
  return true;
}

void ModbusMachine::deactivate() {
  if (ctx_) {
    // Best effort: a safe command, written on its own so it does not wait for a next cycle.
    staged_ = Command{};
    encode_command();
    modbus_write_registers(ctx_, map_.commands().address, map_.commands().count,
                           command_regs_.data());
    modbus_close(ctx_);
    modbus_free(ctx_);
    ctx_ = nullptr;
  }
  active_ = false;
}

void ModbusMachine::encode_command() {
  ++heartbeat_;
  const Command& c = active_ ? staged_ : Command{};
  map_.encode(Signal::kHeartbeat, heartbeat_, command_regs_.data());
  map_.encode(Signal::kMode, static_cast<double>(c.mode), command_regs_.data());
  map_.encode(Signal::kForceSetpoint, std::clamp(c.force_n, 0.0, map_.limits().max_force_n),
              command_regs_.data());
  map_.encode(Signal::kVelocityLimit, c.velocity_limit_mps, command_regs_.data());
  map_.encode(Signal::kControl, c.reset_faults ? 1.0 : 0.0, command_regs_.data());
  // Optional in a map: maps without position hold simply lack the register.
  map_.encode(Signal::kPositionSetpoint, std::clamp(c.position_m, 0.0, map_.limits().travel_m),
              command_regs_.data());
  if (map_.kind() == MachineKind::kDynamometer) encode_dynamometer(c);
}

void ModbusMachine::encode_dynamometer(const Command& c) {
  const MachineLimits& l = map_.limits();
  auto angle = [&](double a) { return std::clamp(a, l.angle_min_rad, l.angle_max_rad); };
  std::uint16_t* regs = command_regs_.data();
  map_.encode(Signal::kSide, static_cast<double>(c.side), regs);
  map_.encode(Signal::kVelocitySetpoint,
              std::clamp(c.velocity_radps, -l.max_speed_radps, l.max_speed_radps), regs);
  map_.encode(Signal::kTorqueSetpoint, std::clamp(c.torque_nm, 0.0, l.max_torque_nm), regs);
  map_.encode(Signal::kTorqueLimit, std::clamp(c.torque_limit_nm, 0.0, l.max_torque_nm), regs);
  map_.encode(Signal::kAngleSetpoint, angle(c.angle_rad), regs);
  map_.encode(Signal::kRomMin, angle(c.rom_min_rad), regs);
  map_.encode(Signal::kRomMax, angle(c.rom_max_rad), regs);
}

CycleResult ModbusMachine::read(Sample& out) {
  if (!ctx_) {
    ++comms_errors_;
    return CycleResult::kError;
  }
  encode_command();
  const auto& c = map_.commands();
  const auto& m = map_.measurements();
  const int n = modbus_write_and_read_registers(ctx_, c.address, c.count, command_regs_.data(),
                                                m.address, m.count, measurement_regs_.data());
  if (n != m.count) {
    ++comms_errors_;
    set_error("modbus transaction failed: %s", modbus_strerror(errno));
    // A timed-out reply may still arrive and be taken for the next one: drop what is queued.
    modbus_flush(ctx_);
    return CycleResult::kError;
  }
  const std::uint16_t* r = measurement_regs_.data();
  out.t_ns = monotonic_ns();
  out.status = static_cast<std::uint32_t>(map_.decode(Signal::kStatus, r));
  out.sequence = static_cast<std::uint32_t>(map_.decode(Signal::kSequence, r));
  out.force_left_n = map_.decode(Signal::kForceLeft, r);
  out.force_right_n = map_.decode(Signal::kForceRight, r);
  out.position_m = map_.decode(Signal::kPosition, r);
  out.velocity_mps = map_.decode(Signal::kVelocity, r);
  out.motor_force_n = map_.decode(Signal::kMotorForce, r, std::nan(""));
  out.angle_rad = map_.decode(Signal::kAngle, r);
  out.angular_velocity_radps = map_.decode(Signal::kAngularVelocity, r);
  out.torque_nm = map_.decode(Signal::kTorque, r);
  return CycleResult::kOk;
}

CycleResult ModbusMachine::write(const Command& cmd) {
  staged_ = cmd;
  return active_ ? CycleResult::kOk : CycleResult::kError;
}

}  // namespace tempoload::drivers
