// A StartDynamometerTestRequest checked against the machine and turned into the protocol
// engine's spec. Off the control loop. Errors start with the offending field, e.g.
// "confirm_fast_motor_speeds: custom.series[1] is eccentric at 90 deg/s, above 60 deg/s: set
// confirm_fast_motor_speeds to true to run it".
#pragma once

#include <string>

#include "drivers/register_map.hpp"
#include "protocols/dyno_spec.hpp"
#include "tempoload/v1/dynamometer.pb.h"

namespace tempoload::plugin {

// "" when the request is valid on a machine with these limits, else the message.
std::string validate(const tempoload::v1::StartDynamometerTestRequest& req,
                     const drivers::MachineLimits& machine);

// The request with every default filled in (ranges' cushions, speeds, limits, rests, reps).
tempoload::v1::StartDynamometerTestRequest with_defaults(
    tempoload::v1::StartDynamometerTestRequest req, const drivers::MachineLimits& machine);

// The engine's spec of a valid request with defaults (named protocols expanded into series).
protocols::DynoTestSpec to_spec(const tempoload::v1::StartDynamometerTestRequest& req);

// The series of a spec, as the API shows them.
tempoload::v1::DynamometerSeries to_proto(const protocols::DynoSeriesSpec& s);

tempoload::v1::Leg to_proto(protocols::Side side);
// A set value (speed, angle) back in degrees, without the radian round trip's last-digit noise
// (60 deg/s, not 59.99999999999999).
double setting_deg(double rad);
tempoload::v1::DynamometerMode to_proto(protocols::DynoMode mode);

}  // namespace tempoload::plugin
