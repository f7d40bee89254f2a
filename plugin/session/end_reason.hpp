// Why a set or a dynamometer test ended, in the words stored in reports (SetSummary.end_reason,
// DynamometerTestReport.end_reason) and shown to the athlete.
#pragma once

#include <string>

#include "plugin/loop/loop_messages.hpp"

namespace tempoload::plugin {

// `completed`: the text for reaching the target ("target reached" for a set, "completed" for a
// dynamometer test). A fault names itself.
inline std::string end_reason_text(FaultCode fault, protocols::EndReason reason,
                                   const char* completed) {
  if (fault != FaultCode::kNone) return std::string("fault: ") + describe(fault);
  switch (reason) {
    case protocols::EndReason::kTargetReached:
      return completed;
    case protocols::EndReason::kStopped:
      return "stopped";
    case protocols::EndReason::kIdleTimeout:
      return "idle timeout";
    case protocols::EndReason::kFault:
      return "fault";
    case protocols::EndReason::kPausedTooLong:
      return "paused too long";
    case protocols::EndReason::kPain:
      return "pain";
    case protocols::EndReason::kNone:
      break;
  }
  return "ended";
}

}  // namespace tempoload::plugin
