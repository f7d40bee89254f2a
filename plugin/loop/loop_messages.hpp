// What crosses between the control loop and the other threads: plain, trivially copyable data
// carried by SpscQueue in both directions.
#pragma once

#include <cstdint>

#include "protocols/dyno_spec.hpp"
#include "protocols/rep_types.hpp"
#include "protocols/set_protocol.hpp"
#include "protocols/set_spec.hpp"

namespace tempoload::plugin {

// Requests into the loop.
enum class ControlKind : std::uint8_t {
  kStartSet,
  kStartDynamometerTest,
  kStopSet,
  kPauseSet,   // ramp the load off and hold the set (calf raise)
  kResumeSet,  // ramp it back on and go on
  kPainStop,   // pain above the protocol's limit: unload at once, end the set "pain"
};

struct ControlRequest {
  ControlKind kind = ControlKind::kStopSet;
  std::uint32_t set_id = 0;  // matches the session that asked
  protocols::SetSpec spec;         // kStartSet (calf raise)
  protocols::RangeOfMotion range;  // kStartSet
  protocols::DynoTestSpec dynamometer;  // kStartDynamometerTest
  int pain_0_10 = 0;                    // kPainStop
};

// Faults the loop detects. Any of them unloads the machine at once and ends the set.
enum class FaultCode : std::uint8_t {
  kNone,
  kEstop,       // e-stop input pressed
  kWatchdog,    // device watchdog tripped (heartbeat lost)
  kDriveFault,  // drive reported a fault
  kComms,       // too many consecutive Modbus errors
  kOverrun,     // too many consecutive deadline misses
  kNotReady,    // the machine did not become ready after a fault reset
  kRomExceeded,  // dynamometer: the shaft went past the athlete's range of motion
};
const char* to_string(FaultCode f);
const char* describe(FaultCode f);  // a sentence for the athlete and the fault log

// Events out of the loop.
enum class LoopEventKind : std::uint8_t { kTick, kRep, kFault, kFinished };

struct LoopEvent {
  LoopEventKind kind = LoopEventKind::kTick;
  std::uint32_t set_id = 0;
  double t_s = 0;  // time since the set started [s]
  // kTick (the latest state; also filled in for the other kinds)
  protocols::Phase phase = protocols::Phase::kLoading;
  double target_position_m = 0;
  double position_m = 0;
  double force_left_n = 0;
  double force_right_n = 0;
  double load_n = 0;  // commanded resistance [N]
  double phase_elapsed_s = 0;
  double phase_target_s = 0;
  int reps_counted = 0;
  bool paused = false;         // PauseSet holds the set
  double pause_elapsed_s = 0;  // since the pause began [s]
  // kRep
  protocols::RepMetrics rep;
  // kFinished
  protocols::EndReason end_reason = protocols::EndReason::kNone;
  // kFault
  FaultCode fault = FaultCode::kNone;
};

}  // namespace tempoload::plugin
