// Runs a dynamometer session on the control loop: feeds protocols::DynoTestProtocol with the
// machine's samples, turns its commands into drive commands (clamped to the machine's limits)
// and sends its events out. SetRunner owns one while a dynamometer session runs and keeps the
// safety checks common to every machine; this adds the range-of-motion check. No allocation.
#pragma once

#include "drivers/machine.hpp"
#include "plugin/loop/dynamometer_messages.hpp"

namespace tempoload::plugin {

struct DynamometerLimits {
  double max_torque_nm = 0;  // from the register map
  double max_speed_radps = 0;
};

class DynamometerProgram {
 public:
  struct Result {
    drivers::Command command;
    bool finished = false;               // the session is over and its end was sent
    FaultCode fault = FaultCode::kNone;  // the caller must fail() with it
  };

  DynamometerProgram(const protocols::DynoTestSpec& spec, std::uint32_t set_id,
                     DynamometerLimits limits, DynamometerQueues& out);

  // One cycle, `t_s` since the session started; `tick`: also send a display tick.
  Result cycle(const drivers::Sample& s, double t_s, bool tick);
  void request_stop() { protocol_.request_stop(); }
  // Motor off for good; sends the fault and the end.
  void fault(FaultCode code, const drivers::Sample& s, double t_s);

 private:
  DynoLoopEvent event(DynoEventKind kind, const drivers::Sample& s, double t_s) const;
  drivers::Command to_drive(const protocols::DynoCommand& c) const;

  protocols::DynoTestProtocol protocol_;
  std::uint32_t set_id_;
  DynamometerLimits limits_;
  DynamometerQueues& out_;
};

}  // namespace tempoload::plugin
