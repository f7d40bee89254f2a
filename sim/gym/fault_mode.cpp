#include "sim/gym/fault_mode.hpp"

namespace tempoload::gym {

std::optional<FaultMode> parse_fault_mode(std::string_view text) {
  if (text == "none") return FaultMode::kNone;
  if (text == "500") return FaultMode::k500;
  if (text == "429") return FaultMode::k429;
  if (text == "garbage") return FaultMode::kGarbage;
  if (text == "slow") return FaultMode::kSlow;
  if (text == "close") return FaultMode::kClose;
  return std::nullopt;
}

std::string to_string(FaultMode mode) {
  switch (mode) {
    case FaultMode::kNone:
      return "none";
    case FaultMode::k500:
      return "500";
    case FaultMode::k429:
      return "429";
    case FaultMode::kGarbage:
      return "garbage";
    case FaultMode::kSlow:
      return "slow";
    case FaultMode::kClose:
      return "close";
  }
  return "?";
}

}  // namespace tempoload::gym
