// Training programmes as session plans (PROTOCOLS.md sections 1-2). Pure functions.
//
// HSR (Beyer 2015): 12 weeks, 3 sessions a week, all sessions of a week alike. Week 1 3x15RM,
// weeks 2-3 3x12RM, 4-5 4x10RM, 6-8 4x8RM, 9-12 4x6RM. Tempo 3 s up, 3 s down by default (the
// lowering is a parameter in the 3-5 s window), bottom pause 0.5 s; 150 s rest between sets
// (2-3 min), 300 s when the exercise changes. Standing (knee straight), seated (knee bent), or
// both (standing first). Loads come from the athlete's RM loads (hsr_loads), each set's
// target_rm set so check_prescription asks for an RM on record for the 6RM block.
//
// Alfredson (1998): 3x15 knee straight + 3x15 knee bent, twice a day, 7 days a week, 12 weeks;
// every session alike. The injured leg lowers against the load; the way up is unloaded
// (SetSpec::eccentric_only: the other leg or the machine raises the platform) with a 1 s pause at
// the top for the load to ramp on (0.5 s). Start at body weight (load 0); load is added when
// pain-free (decide_progression with require_pain_free).
#pragma once

#include <optional>
#include <string>

#include "protocols/session_plan.hpp"

namespace tempoload::protocols {

enum class ProgrammeKind { kHsr, kAlfredson };
enum class HsrVariant { kStanding, kSeated, kBoth };

// The athlete's loads for each RM of the HSR ladder [N]; 0 where unknown (then the set is
// refused when the block needs it).
struct HsrLoads {
  double rm15_n = 0;
  double rm12_n = 0;
  double rm10_n = 0;
  double rm8_n = 0;
  double rm6_n = 0;
};

struct ProgrammeOptions {
  HsrVariant variant = HsrVariant::kStanding;
  HsrLoads loads;           // HSR
  double lowering_s = 3.0;  // eccentric target [s], in [3, 5]
  double concentric_s = 3.0;
  double rest_s = kDefaultRestS;
  Legs injured_leg = Legs::kLeft;  // Alfredson
  double alfredson_load_n = 0;     // added load (0: body weight)
  double max_load_n = 0;           // the prescription's cap; 0: none
};

struct HsrBlock {
  int sets = 0;
  int rm = 0;
};
// The block of a week (1..12); sets 0 outside.
HsrBlock hsr_block(int week);

struct ProgrammeResult {
  std::optional<SessionPlan> plan;
  std::string error;  // names the argument, e.g. "week: 13 is outside [1, 12]"
};

// session: 1..3 (HSR, per week) or 1..14 (Alfredson: twice a day, 7 days).
ProgrammeResult programme_session(ProgrammeKind kind, int week, int session,
                                  const ProgrammeOptions& options = {});

}  // namespace tempoload::protocols
