// What a dynamometer session sends out of the control loop: plain, trivially copyable events on
// their own queues (the calf-raise events stay on SetRunner's), read by the DynamometerWorker.
#pragma once

#include <cstdint>

#include "plugin/loop/loop_messages.hpp"
#include "plugin/loop/spsc_queue.hpp"
#include "protocols/dyno_test_protocol.hpp"

namespace tempoload::plugin {

enum class DynoEventKind : std::uint8_t {
  kTick,            // display state (also filled in for the other kinds)
  kRep,             // a rep ended (complete or not): rep
  kGravity,         // a leg's gravity correction was measured: gravity (of side)
  kSeriesFinished,  // series `series` is over
  kFault,           // fault: the motor is off
  kFinished,        // the session is over (end_reason, fault)
};

struct DynoLoopEvent {
  DynoEventKind kind = DynoEventKind::kTick;
  std::uint32_t set_id = 0;
  double t_s = 0;  // since the session started [s]
  protocols::DynoPhase phase = protocols::DynoPhase::kPositioning;
  int series = 0;  // 1-based
  protocols::Side side = protocols::Side::kLeft;
  protocols::DynoMode mode = protocols::DynoMode::kIsokineticConcentric;
  int attempts = 0;  // reps attempted in the series
  double angle_rad = 0;
  double velocity_radps = 0;
  double torque_nm = 0;  // gravity corrected when the leg's correction exists
  double commanded_velocity_radps = 0;
  protocols::DynoRep rep;                                         // kRep
  protocols::GravityTable gravity;                                // kGravity
  protocols::EndReason end_reason = protocols::EndReason::kNone;  // kFinished
  FaultCode fault = FaultCode::kNone;  // kFault, and kFinished after a fault
};

// Owned by the process, shared by the loop (producer) and the worker (consumer).
struct DynamometerQueues {
  SpscQueue<DynoLoopEvent, 1024> events;  // reps, series, faults, the end: never dropped in
                                          // practice (a few per second at most)
  SpscQueue<DynoLoopEvent, 1024> ticks;   // display: a slow reader loses some
};

}  // namespace tempoload::plugin
