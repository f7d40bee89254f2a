// Human-readable tables of a dynamometer session for tempoloadctl: reps as they come, gravity
// corrections, series metrics and the bilateral comparison with its formula.
#pragma once

#include <ostream>

#include "tempoload/v1/dynamometer.pb.h"

namespace tempoload::ctl {

void print_dynamometer_rep_header(std::ostream& out);
void print_dynamometer_rep(std::ostream& out, const tempoload::v1::DynamometerRep& rep);
void print_gravity(std::ostream& out, const tempoload::v1::GravityCorrection& g);
// Series metrics, torque at set angles, gravity corrections, bilateral deficits, end reason.
void print_dynamometer_results(std::ostream& out, const tempoload::v1::DynamometerTestReport& r);

}  // namespace tempoload::ctl
