#include "protocols/rep_types.hpp"

namespace tempoload::protocols {

const char* to_string(Phase p) {
  switch (p) {
    case Phase::kLoading:
      return "loading";
    case Phase::kReady:
      return "ready";
    case Phase::kConcentric:
      return "concentric";
    case Phase::kTopPause:
      return "top_pause";
    case Phase::kEccentric:
      return "eccentric";
    case Phase::kBottomPause:
      return "bottom_pause";
    case Phase::kUnloading:
      return "unloading";
    case Phase::kDone:
      return "done";
    case Phase::kPaused:
      return "paused";
  }
  return "unknown";
}

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kCounted:
      return "counted";
    case Verdict::kTooFast:
      return "too_fast";
    case Verdict::kTooSlow:
      return "too_slow";
    case Verdict::kPartialRange:
      return "partial_range";
    case Verdict::kPausedTooLong:
      return "paused_too_long";
  }
  return "unknown";
}

}  // namespace tempoload::protocols
