// What crosses between the control loop and the other threads: plain, trivially copyable data
// carried by SpscQueue in both directions.
#pragma once

#include <cstdint>

#include "protocols/dyno_spec.hpp"
#include "protocols/heel_rise_session.hpp"
#include "protocols/isometric_hold.hpp"
#include "protocols/mvic_test.hpp"
#include "protocols/rep_types.hpp"
#include "protocols/rm_test_session.hpp"
#include "protocols/session_plan.hpp"
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

// What a calf-raise session runs (kStartSet).
enum class CalfProtocol : std::uint8_t {
  kTempoSets,      // plan: tempo sets with unloaded rest (HSR, Alfredson, any SetPrescription)
  kIsometricHold,  // isometric
  kMvicTest,       // mvic
  kRmTest,         // rm_test
  kHeelRiseTest,   // heel_rise
};
const char* to_string(CalfProtocol p);

struct ControlRequest {
  ControlKind kind = ControlKind::kStopSet;
  std::uint32_t set_id = 0;  // matches the session that asked
  // kStartSet (calf raise): the protocol and its spec (only the one `protocol` names is used).
  CalfProtocol protocol = CalfProtocol::kTempoSets;
  protocols::SessionPlan plan;
  protocols::IsometricSpec isometric;
  protocols::MvicSpec mvic;
  protocols::RmTestSessionSpec rm_test;
  protocols::HeelRiseSessionSpec heel_rise;
  protocols::RangeOfMotion range;       // kStartSet
  protocols::DynoTestSpec dynamometer;  // kStartDynamometerTest
  int pain_0_10 = 0;                    // kPainStop
};

// Faults the loop detects. Any of them unloads the machine at once and ends the set.
enum class FaultCode : std::uint8_t {
  kNone,
  kEstop,        // e-stop input pressed
  kWatchdog,     // device watchdog tripped (heartbeat lost)
  kDriveFault,   // drive reported a fault
  kComms,        // too many consecutive Modbus errors
  kOverrun,      // too many consecutive deadline misses
  kNotReady,     // the machine did not become ready after a fault reset
  kRomExceeded,  // dynamometer: the shaft went past the athlete's range of motion
};
const char* to_string(FaultCode f);
const char* describe(FaultCode f);  // a sentence for the athlete and the fault log

// Events out of the loop.
enum class LoopEventKind : std::uint8_t {
  kTick,
  kRep,  // a tempo rep (sets, RM attempts): `rep`
  kFault,
  kFinished,     // the session is over, machine unloaded
  kSetFinished,  // a set or RM attempt ended (set_index, end_reason; attempt_*)
  kHold,         // an isometric hold ended: `hold`
  kMvicEffort,   // an MVIC effort ended: `effort`, mvic_n
  kHeelRiseRep,  // a heel-rise test rep counted: heel_*
  kLegFinished,  // a heel-rise leg ended: `leg_result`, `leg_ending`
};

// Where a session is, for the display.
enum class SessionStage : std::uint8_t {
  kSet,      // a tempo set or an RM attempt under way
  kRest,     // unloaded between sets, holds, efforts, attempts or legs
  kWaiting,  // isometric: position held, waiting for the force to reach the band
  kHolding,  // isometric: in the hold
  kReady,    // MVIC: relax before the push
  kEffort,   // MVIC: push!
  kLeg,      // heel-rise test: a leg under way
  kDone,
};

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
  SessionStage stage = SessionStage::kSet;
  int set_index = 0;  // 0-based: the set, hold, effort, attempt or leg under way (or next)
  int set_count = 1;  // of the session (an RM test: its max attempts)
  double rest_remaining_s = 0;
  double target_force_n = 0;  // holds: the target; RM attempts: the load [N]
  double band_low_n = 0;      // isometric band [N]
  double band_high_n = 0;
  double stage_remaining_s = 0;  // holds, efforts [s]
  double next_beat_in_s = -1;    // heel-rise metronome [s]; < 0: none yet
  // kSetFinished for an RM attempt
  double attempt_load_n = 0;
  int attempt_reps = 0;
  // kHold
  protocols::HoldResult hold;
  // kMvicEffort
  protocols::MvicEffort effort;
  double mvic_n = 0;
  int mvic_best_effort = 0;
  // kHeelRiseRep
  protocols::Legs heel_leg = protocols::Legs::kLeft;
  int heel_rep = 0;
  double heel_height_m = 0;
  double heel_work_j = 0;
  // kLegFinished
  protocols::HeelRiseResult leg_result;
  protocols::HeelRiseEnding leg_ending;
  // kFinished of an RM test
  protocols::RmTestResult rm_result;
  // kRep
  protocols::RepMetrics rep;
  // kFinished
  protocols::EndReason end_reason = protocols::EndReason::kNone;
  // kFault
  FaultCode fault = FaultCode::kNone;
};

}  // namespace tempoload::plugin
