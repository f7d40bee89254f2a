// The athlete's end-of-session summary (GuidedSession.GetSessionSummary), derived from the
// stored report and pain reports: counts by verdict, the set's numbers and what to work on.
#pragma once

#include <vector>

#include "plugin/storage/pain_log.hpp"
#include "tempoload/v1/guided_session.pb.h"

namespace tempoload::plugin {

// Above this |SI| the summary notes the imbalance [%] (docs/protocols.md, symmetry).
inline constexpr double kNotableAsymmetryPct = 10.0;
// Pain above this is not acceptable during exercise (pain-monitoring model, Silbernagel 2007);
// a prescription's pain_limit_0_10 overrides it.
inline constexpr std::uint32_t kDefaultPainLimit = 5;

tempoload::v1::SessionSummary summarize_session(const tempoload::v1::SessionReport& report,
                                                const std::vector<PainReport>& pain);

}  // namespace tempoload::plugin
