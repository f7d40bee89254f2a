// Names of the dynamometer engine's enums, for logs and texts.
#include "protocols/dyno_spec.hpp"
#include "protocols/dyno_types.hpp"

namespace tempoload::protocols {

const char* to_string(Side s) { return s == Side::kRight ? "right" : "left"; }

const char* to_string(DynoMode m) {
  switch (m) {
    case DynoMode::kIsokineticConcentric:
      return "isokinetic concentric";
    case DynoMode::kIsokineticEccentric:
      return "isokinetic eccentric";
    case DynoMode::kIsometric:
      return "isometric";
    case DynoMode::kIsotonic:
      return "isotonic";
    case DynoMode::kGravityCorrection:
      return "gravity correction";
  }
  return "unknown";
}

const char* to_string(DynoPhase p) {
  switch (p) {
    case DynoPhase::kPositioning:
      return "positioning";
    case DynoPhase::kReady:
      return "ready";
    case DynoPhase::kEffort:
      return "effort";
    case DynoPhase::kReturn:
      return "return";
    case DynoPhase::kRest:
      return "rest";
    case DynoPhase::kGravity:
      return "gravity";
    case DynoPhase::kStopping:
      return "stopping";
    case DynoPhase::kDone:
      return "done";
  }
  return "unknown";
}

}  // namespace tempoload::protocols
