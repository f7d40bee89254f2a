// StartSet's prescriptions as the protocol engine's specs: the tempo-set plan (sets, rest,
// knee, leg, eccentric-only) checked by protocols::check_prescription, and the other protocols
// (isometric holds, MVIC test, RM test, heel-rise test) validated with errors naming the field,
// defaults filled in. Off the control loop.
#pragma once

#include <string>

#include "plugin/loop/loop_messages.hpp"
#include "tempoload/v1/guided_session.pb.h"

namespace tempoload::plugin {

// Which protocol a request asks for; "" in `error` or the field at fault (more than one given).
CalfProtocol requested_protocol(const tempoload::v1::StartSetRequest& req, std::string& error);

// The plan of a tempo-set prescription (defaults already filled in by with_defaults).
protocols::SessionPlan to_plan(const tempoload::v1::SetPrescription& set);

// check_prescription on the plan, with the field named as in the API ("set.rest_s: ..."); "" when
// it passes. The plugin's tempo window (validate()) stays as it is.
std::string check_plan(const tempoload::v1::SetPrescription& set, double machine_max_force_n);

// Defaults and checks of the other protocols. Each returns "" or "<field>: <what is wrong>".
// `range` is the athlete's range as resolved (for hold positions).
std::string with_defaults(tempoload::v1::IsometricPrescription& p,
                          const tempoload::v1::RangeOfMotion& range);
std::string with_defaults(tempoload::v1::MvicTestPrescription& p,
                          const tempoload::v1::RangeOfMotion& range);
std::string with_defaults(tempoload::v1::RmTestPrescription& p, double machine_max_force_n);
std::string with_defaults(tempoload::v1::HeelRiseTestPrescription& p, double machine_max_force_n);

protocols::IsometricSpec to_spec(const tempoload::v1::IsometricPrescription& p);
protocols::MvicSpec to_spec(const tempoload::v1::MvicTestPrescription& p);
// The attempts' SetPrescription (tempo, idle timeout) and the test's spec.
tempoload::v1::SetPrescription attempt_prescription(const tempoload::v1::RmTestPrescription& p);
protocols::RmTestSessionSpec to_spec(const tempoload::v1::RmTestPrescription& p);
protocols::HeelRiseSessionSpec to_spec(const tempoload::v1::HeelRiseTestPrescription& p);

}  // namespace tempoload::plugin
