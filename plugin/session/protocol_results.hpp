// The protocols' results as API messages (protocols.proto, SetSummary's measures), built off
// the control loop from what the loop reported.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "protocols/heel_rise_test.hpp"
#include "protocols/isometric_hold.hpp"
#include "protocols/mvic_test.hpp"
#include "protocols/rep_types.hpp"
#include "protocols/rm_test.hpp"
#include "protocols/session_plan.hpp"
#include "protocols/set_measures.hpp"
#include "tempoload/v1/training.pb.h"

namespace tempoload::plugin {

// How the MVIC test finds the RFD onset, for MvicTestReport.onset_method.
extern const char* const kRfdOnsetMethod;

// A set's summary over its counted reps, with the measures (impulse, work, SI and LSI by force
// and by work, fatigue, CV). `involved`: the leg the prescription names, for LSI.
tempoload::v1::SetSummary set_summary(std::span<const protocols::RepMetrics> reps,
                                      const std::string& end_reason, tempoload::v1::Leg involved);

tempoload::v1::Symmetry to_proto(const protocols::SymmetryMeasure& m);
tempoload::v1::HoldResult to_proto(const protocols::HoldResult& h);
tempoload::v1::MvicEffortResult to_proto(const protocols::MvicEffort& e);
tempoload::v1::Leg to_proto_leg(protocols::Legs legs);  // kBoth -> LEG_UNSPECIFIED
protocols::Legs to_legs(tempoload::v1::Leg leg);        // LEG_UNSPECIFIED -> kBoth
tempoload::v1::HeelRiseLegResult to_proto(protocols::Legs leg, const protocols::HeelRiseResult& r,
                                          const protocols::HeelRiseEnding& ending);
// LSI involved / uninvolved by reps, height and work, when both legs were tested (the first
// leg in `report` is the involved one).
void add_heel_rise_symmetry(tempoload::v1::HeelRiseTestReport& report);
// RmTestReport's answer from the test's result (found, load, how, the Epley 1RM).
void fill_rm_answer(tempoload::v1::RmTestReport& report, const protocols::RmTestResult& r);

}  // namespace tempoload::plugin
