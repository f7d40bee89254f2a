#include "plugin/auth/access_policy.hpp"

#include <array>

namespace tempoload::plugin {
namespace {

struct Rule {
  std::string_view prefix;  // a whole service ("/pkg.Service/") or one rpc
  bool host, coach, op;     // roles allowed
  bool athlete = false;     // an athlete token (their own data only: plugin/auth/caller_scope)
};

// Most specific first. Documented per rpc in docs/security.md.
constexpr std::array kRules{
    // The machine's host software runs the athlete's session.
    // Reports are training detail: not for operators (caller_scope.hpp).
    Rule{"/tempoload.v1.GuidedSession/GetSessionReport", true, true, false, true},
    Rule{"/tempoload.v1.GuidedSession/GetSessionSummary", true, true, false, true},
    Rule{"/tempoload.v1.GuidedSession/", true, false, false},
    Rule{"/tempoload.v1.DynamometerTest/", true, false, false},
    // Coaches set prescriptions; the host reads the assigned one.
    Rule{"/tempoload.v1.Prescriptions/", true, true, false},
    // Coaches (their athletes) and athletes (themselves, read-only); issue 5.
    Rule{"/tempoload.v1.Coach/AssignPrescription", true, true, false},
    Rule{"/tempoload.v1.Coach/RecordTestResult", true, true, false},
    // The one write an athlete makes here: their own morning pain (caller_scope checks it is
    // themselves). Listed so it stays allowed if the Coach default changes.
    Rule{"/tempoload.v1.Coach/RecordMorningPain", true, true, false, true},
    Rule{"/tempoload.v1.Coach/", true, true, false, true},
    // Operators read usage, faults and machine state.
    Rule{"/tempoload.v1.Usage/", false, false, true},
    Rule{"/tempoload.v1.Operator/", false, false, true},
    // Raw loop samples for analysis tools: the machine's host and operators (issue 5).
    Rule{"/tempoload.v1.Telemetry/", true, false, true},
    // The go-plugin host controls the process.
    Rule{"/plugin.GRPCController/", true, false, false},
    Rule{"/plugin.GRPCBroker/", true, false, false},
};

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

bool is_public(std::string_view method) {
  return starts_with(method, "/grpc.health.v1.Health/") ||
         starts_with(method, "/grpc.reflection.v1alpha.ServerReflection/");
}

Access access_for(std::string_view method, Role role) {
  if (is_public(method)) return Access::kPublic;
  for (const auto& r : kRules) {
    if (!starts_with(method, r.prefix)) continue;
    const bool ok = role == Role::kHost      ? r.host
                    : role == Role::kCoach   ? r.coach
                    : role == Role::kAthlete ? r.athlete
                                             : r.op;
    return ok ? Access::kAllowed : Access::kDenied;
  }
  return Access::kDenied;
}

}  // namespace tempoload::plugin
