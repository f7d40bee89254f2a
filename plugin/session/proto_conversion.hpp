// Between the API's messages (proto/) and the protocol engine's plain data (protocols/), and
// the validation of a prescription. Off the control loop.
#pragma once

#include <cstdint>
#include <string>

#include "protocols/rep_types.hpp"
#include "protocols/set_protocol.hpp"
#include "protocols/set_spec.hpp"
#include "tempoload/v1/guided_session.pb.h"
#include "tempoload/v1/training.pb.h"

namespace tempoload::plugin {

// SetPrescription.target_rm: the heaviest RM a load may be prescribed by (HSR starts at 15RM).
inline constexpr std::uint32_t kMaxTargetRm = 15;

// Checks a start request against the protocol's and the machine's limits. Returns "" when it
// is valid, else a message that starts with the offending field, e.g.
// "set.tempo.eccentric_s: 0.5 s is outside [eccentric_min_s, eccentric_max_s] = [3, 5] s".
std::string validate(const tempoload::v1::StartSetRequest& req, double machine_max_force_n,
                     double machine_travel_m);

// "" when the range is within the machine's travel and at least 1 cm, else "range.<field>: ...".
std::string validate_range(const tempoload::v1::RangeOfMotion& r, double machine_travel_m);

// "" when `id` is 1..64 characters of [A-Za-z0-9_.-], else "<field>: must be ...".
std::string validate_id(const std::string& field, const std::string& id);

// The request with defaults filled in (tempo window, range fraction, idle timeout, range).
tempoload::v1::StartSetRequest with_defaults(tempoload::v1::StartSetRequest req,
                                             double machine_travel_m);

protocols::SetSpec to_spec(const tempoload::v1::SetPrescription& p);
protocols::RangeOfMotion to_range(const tempoload::v1::RangeOfMotion& r);

tempoload::v1::Phase to_proto(protocols::Phase p);
tempoload::v1::RepVerdict to_proto(protocols::Verdict v);
tempoload::v1::RepResult to_proto(const protocols::RepMetrics& rep, const std::string& cue,
                                  std::int64_t completed_at_unix_ms);
tempoload::v1::SetSummary to_proto(const protocols::SetSummary& s, const std::string& end_reason);

}  // namespace tempoload::plugin
