// Safety validation of a prescription before anything runs: the first problem, naming the field,
// or none. Pure function; the plugin maps its proto prescription to Prescription and refuses the
// request (nothing changed) when a problem is returned.
#pragma once

#include <optional>
#include <string>

#include "protocols/session_plan.hpp"

namespace tempoload::protocols {

// Bounds a prescription must respect. The lowering window is the seeds' 3-5 s (PROTOCOLS.md
// section 1); a coach may widen it only explicitly, by passing other bounds.
struct PrescriptionLimits {
  MachineLimits machine;
  double lowering_min_s = 3.0;  // shortest prescribed lowering allowed [s]
  double lowering_max_s = 5.0;  // longest [s]
  int max_reps = 50;
  double max_phase_s = 30;  // any tempo time [s]
  int heavy_rm = 6;         // a target of this many RM or fewer needs an RM on record
};

struct Prescription {
  SessionPlan plan;
  // An RM test or a 1RM estimate is on record for this athlete and exercise (the plugin knows).
  bool rm_on_record = false;
};

struct PrescriptionProblem {
  std::string field;    // path, e.g. "sets[1].spec.tempo.eccentric_s"
  std::string message;  // what is wrong, with the value and the allowed range
  std::string text() const { return field + ": " + message; }
};

std::optional<PrescriptionProblem> check_prescription(const Prescription& p,
                                                      const PrescriptionLimits& limits = {});

}  // namespace tempoload::protocols
