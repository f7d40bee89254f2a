#include "plugin/session/protocol_request.hpp"

#include <cmath>
#include <sstream>

#include "plugin/session/proto_conversion.hpp"
#include "plugin/session/protocol_results.hpp"
#include "protocols/prescription_check.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

std::string fmt(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// "" when v is 0 (then `fallback` is filled in) or within [lo, hi]; else the error.
std::string defaulted(const std::string& field, double& v, double fallback, double lo, double hi,
                      const char* unit) {
  if (v == 0) {
    v = fallback;
    return "";
  }
  if (!std::isfinite(v) || v < lo || v > hi)
    return field + ": " + fmt(v) + unit + " is outside [" + fmt(lo) + ", " + fmt(hi) + "]" + unit +
           " (0 = " + fmt(fallback) + unit + ")";
  return "";
}

std::string defaulted(const std::string& field, std::uint32_t& v, std::uint32_t fallback,
                      std::uint32_t lo, std::uint32_t hi) {
  double d = v;
  auto e = defaulted(field, d, fallback, lo, hi, "");
  v = static_cast<std::uint32_t>(d);
  return e;
}

std::string position(const std::string& name, double& v, const v1::RangeOfMotion& range) {
  if (v == 0) {
    v = 0.5 * (range.bottom_m() + range.top_m());  // the middle of the athlete's range
    return "";
  }
  if (!std::isfinite(v) || v < range.bottom_m() || v > range.top_m())
    return name + ": " + fmt(v) + " m is outside the athlete's range [" + fmt(range.bottom_m()) +
           ", " + fmt(range.top_m()) + "] m";
  return "";
}

std::string leg_field(const std::string& name, v1::Leg leg, bool both_allowed) {
  if (leg == v1::LEG_LEFT || leg == v1::LEG_RIGHT) return "";
  if (leg == v1::LEG_UNSPECIFIED && both_allowed) return "";
  return name + ": must be LEG_LEFT or LEG_RIGHT" + (both_allowed ? " or unset (both)" : "") +
         ", got " + std::to_string(static_cast<int>(leg));
}

// "sets[0].spec.tempo.eccentric_s" -> "set.tempo.eccentric_s"; rest_after_s -> rest_s.
std::string api_field(const std::string& engine_field) {
  std::string f = engine_field;
  const auto dot = f.find("].");
  if (f.rfind("sets[", 0) == 0 && dot != std::string::npos) f = f.substr(dot + 2);
  if (f.rfind("spec.", 0) == 0) f = f.substr(5);
  if (f == "rest_after_s") f = "rest_s";
  if (f == "max_set_pause_s") f = "max_hold_s";
  if (f == "pain_limit") f = "pain_limit_0_10";
  return "set." + f;
}

}  // namespace

CalfProtocol requested_protocol(const v1::StartSetRequest& req, std::string& error) {
  int given = 0;
  CalfProtocol p = CalfProtocol::kTempoSets;
  if (req.has_isometric()) ++given, p = CalfProtocol::kIsometricHold;
  if (req.has_mvic_test()) ++given, p = CalfProtocol::kMvicTest;
  if (req.has_rm_test()) ++given, p = CalfProtocol::kRmTest;
  if (req.has_heel_rise_test()) ++given, p = CalfProtocol::kHeelRiseTest;
  if (given > 1)
    error = "isometric, mvic_test, rm_test, heel_rise_test: give at most one protocol";
  else if (given == 1 && req.has_set())
    error = std::string("set: must be absent when ") + to_string(p) + " is given";
  return p;
}

protocols::SessionPlan to_plan(const v1::SetPrescription& set) {
  protocols::SessionPlan plan;
  protocols::PlannedSet planned;
  planned.spec = to_spec(set);
  planned.rest_after_s = set.rest_s() > 0 ? set.rest_s() : protocols::kDefaultRestS;
  planned.knee = set.knee() == v1::KNEE_BENT ? protocols::Knee::kBent : protocols::Knee::kStraight;
  planned.legs = to_legs(set.leg());
  const std::uint32_t sets = std::max<std::uint32_t>(1, set.sets());
  for (std::uint32_t i = 0; i < sets && i < protocols::kMaxSetsPerSession; ++i)
    plan.sets.push_back(planned);
  return plan;
}

std::string check_plan(const v1::SetPrescription& set, double machine_max_force_n) {
  if (set.sets() > protocols::kMaxSetsPerSession)
    return "set.sets: must be in [1, " + std::to_string(protocols::kMaxSetsPerSession) +
           "] or 0 for 1, got " + std::to_string(set.sets());
  if (set.knee() != v1::KNEE_UNSPECIFIED && set.knee() != v1::KNEE_STRAIGHT &&
      set.knee() != v1::KNEE_BENT)
    return "set.knee: unknown value " + std::to_string(static_cast<int>(set.knee()));
  if (auto e = leg_field("set.leg", set.leg(), true); !e.empty()) return e;
  protocols::Prescription p;
  p.plan = to_plan(set);
  p.rm_on_record = true;  // a target_rm load is resolved (or refused) before this
  protocols::PrescriptionLimits limits;
  limits.machine.max_force_n = machine_max_force_n;
  // The tempo window is validate()'s (1 s lowering at the least, 30 s phases).
  limits.lowering_min_s = 1.0;
  limits.lowering_max_s = 30.0;
  if (auto problem = protocols::check_prescription(p, limits))
    return api_field(problem->field) + ": " + problem->message;
  return "";
}

std::string with_defaults(v1::IsometricPrescription& p, const v1::RangeOfMotion& range) {
  std::string e;
  std::uint32_t holds = p.hold_count();
  if (!(e = defaulted("isometric.hold_count", holds, 5, 1, 10)).empty()) return e;
  p.set_hold_count(holds);
  double v = p.hold_s();
  if (!(e = defaulted("isometric.hold_s", v, 45, 5, 120, " s")).empty()) return e;
  p.set_hold_s(v);
  v = p.rest_s();
  if (!(e = defaulted("isometric.rest_s", v, 120, 5, 600, " s")).empty()) return e;
  p.set_rest_s(v);
  v = p.target_fraction();
  if (!(e = defaulted("isometric.target_fraction", v, 0.7, 0.2, 1.0, "")).empty()) return e;
  p.set_target_fraction(v);
  v = p.band_fraction();
  if (!(e = defaulted("isometric.band_fraction", v, 0.10, 0.02, 0.5, "")).empty()) return e;
  p.set_band_fraction(v);
  v = p.min_in_band_fraction();
  if (!(e = defaulted("isometric.min_in_band_fraction", v, 0.8, 0.1, 1.0, "")).empty()) return e;
  p.set_min_in_band_fraction(v);
  v = p.start_timeout_s();
  if (!(e = defaulted("isometric.start_timeout_s", v, 30, 5, 120, " s")).empty()) return e;
  p.set_start_timeout_s(v);
  v = p.position_m();
  if (!(e = position("isometric.position_m", v, range)).empty()) return e;
  p.set_position_m(v);
  if (!(e = leg_field("isometric.leg", p.leg(), true)).empty()) return e;
  if (!std::isfinite(p.mvic_n()) || p.mvic_n() < 0 || p.mvic_n() > 20000)
    return "isometric.mvic_n: " + fmt(p.mvic_n()) + " N is outside [0, 20000] N";
  return "";
}

std::string with_defaults(v1::MvicTestPrescription& p, const v1::RangeOfMotion& range) {
  std::string e;
  std::uint32_t n = p.effort_count();
  if (!(e = defaulted("mvic_test.effort_count", n, 3, 1, 5)).empty()) return e;
  p.set_effort_count(n);
  double v = p.effort_s();
  if (!(e = defaulted("mvic_test.effort_s", v, 5, 2, 10, " s")).empty()) return e;
  p.set_effort_s(v);
  v = p.ready_s();
  if (!(e = defaulted("mvic_test.ready_s", v, 2, 0.5, 5, " s")).empty()) return e;
  p.set_ready_s(v);
  v = p.rest_s();
  if (!(e = defaulted("mvic_test.rest_s", v, 60, 5, 300, " s")).empty()) return e;
  p.set_rest_s(v);
  v = p.position_m();
  if (!(e = position("mvic_test.position_m", v, range)).empty()) return e;
  p.set_position_m(v);
  return leg_field("mvic_test.leg", p.leg(), false);
}

std::string with_defaults(v1::RmTestPrescription& p, double machine_max_force_n) {
  std::string e;
  std::uint32_t n = p.target_rm();
  if (!(e = defaulted("rm_test.target_rm", n, 6, 1, 15)).empty()) return e;
  p.set_target_rm(n);
  if (!std::isfinite(p.estimated_load_n()) || p.estimated_load_n() < 0 ||
      p.estimated_load_n() > machine_max_force_n)
    return "rm_test.estimated_load_n: " + fmt(p.estimated_load_n()) +
           " N is outside the machine's range [0, " + fmt(machine_max_force_n) + "] N";
  double v = p.start_fraction();
  if (!(e = defaulted("rm_test.start_fraction", v, 0.8, 0.5, 1.0, "")).empty()) return e;
  p.set_start_fraction(v);
  std::uint32_t attempts = p.max_attempts();
  if (!(e = defaulted("rm_test.max_attempts", attempts, 5, 1, 8)).empty()) return e;
  p.set_max_attempts(attempts);
  v = p.rest_s();
  if (!(e = defaulted("rm_test.rest_s", v, 180, 5, 600, " s")).empty()) return e;
  p.set_rest_s(v);
  v = p.idle_timeout_s();
  if (!(e = defaulted("rm_test.idle_timeout_s", v, 6, 2, 60, " s")).empty()) return e;
  p.set_idle_timeout_s(v);
  v = p.max_load_n();
  if (!(e = defaulted("rm_test.max_load_n", v, machine_max_force_n, 1, machine_max_force_n, " N"))
           .empty())
    return e;
  p.set_max_load_n(v);
  if (!p.has_tempo()) {
    auto* t = p.mutable_tempo();
    t->set_concentric_s(3);
    t->set_eccentric_s(3);
    t->set_bottom_pause_s(1);
  }
  // The attempts' tempo is checked like any set's.
  v1::StartSetRequest as_set;
  as_set.set_athlete_id("rm-test");
  *as_set.mutable_set() = attempt_prescription(p);
  as_set.mutable_set()->set_load_n(0);
  if (auto error = validate(as_set, machine_max_force_n, 1.0); !error.empty())
    return "rm_test.tempo: " + error.substr(error.find(": ") + 2);
  return "";
}

std::string with_defaults(v1::HeelRiseTestPrescription& p, double machine_max_force_n) {
  std::string e;
  if (p.involved_leg() == v1::LEG_UNSPECIFIED) p.set_involved_leg(v1::LEG_LEFT);
  if (!(e = leg_field("heel_rise_test.involved_leg", p.involved_leg(), false)).empty()) return e;
  double v = p.cadence_per_min();
  if (!(e = defaulted("heel_rise_test.cadence_per_min", v, 30, 10, 60, "")).empty()) return e;
  p.set_cadence_per_min(v);
  v = p.cadence_tolerance_s();
  if (!(e = defaulted("heel_rise_test.cadence_tolerance_s", v, 0.5, 0.1, 2, " s")).empty())
    return e;
  p.set_cadence_tolerance_s(v);
  v = p.min_height_fraction();
  if (!(e = defaulted("heel_rise_test.min_height_fraction", v, 0.5, 0.1, 0.95, "")).empty())
    return e;
  p.set_min_height_fraction(v);
  v = p.rest_s();
  if (!(e = defaulted("heel_rise_test.rest_s", v, 60, 5, 600, " s")).empty()) return e;
  p.set_rest_s(v);
  if (!std::isfinite(p.body_mass_kg()) || p.body_mass_kg() < 0 || p.body_mass_kg() > 300)
    return "heel_rise_test.body_mass_kg: " + fmt(p.body_mass_kg()) + " kg is outside [0, 300]";
  if (!std::isfinite(p.load_n()) || p.load_n() < 0 || p.load_n() > machine_max_force_n)
    return "heel_rise_test.load_n: " + fmt(p.load_n()) + " N is outside the machine's range [0, " +
           fmt(machine_max_force_n) + "] N";
  return "";
}

protocols::IsometricSpec to_spec(const v1::IsometricPrescription& p) {
  protocols::IsometricSpec s;
  s.holds = static_cast<int>(p.hold_count());
  s.hold_s = p.hold_s();
  s.rest_s = p.rest_s();
  s.mvic_n = p.mvic_n();
  s.target_fraction = p.target_fraction();
  s.band_fraction = p.band_fraction();
  s.min_in_band_fraction = p.min_in_band_fraction();
  s.start_timeout_s = p.start_timeout_s();
  s.position_m = p.position_m();
  s.legs = to_legs(p.leg());
  return s;
}

protocols::MvicSpec to_spec(const v1::MvicTestPrescription& p) {
  protocols::MvicSpec s;
  s.efforts = static_cast<int>(p.effort_count());
  s.effort_s = p.effort_s();
  s.ready_s = p.ready_s();
  s.rest_s = p.rest_s();
  s.position_m = p.position_m();
  s.legs = to_legs(p.leg());
  return s;
}

v1::SetPrescription attempt_prescription(const v1::RmTestPrescription& p) {
  v1::SetPrescription set;
  set.set_reps(p.target_rm() + protocols::kRmExtraReps);
  *set.mutable_tempo() = p.tempo();
  set.set_idle_timeout_s(p.idle_timeout_s());
  v1::StartSetRequest req;
  *req.mutable_set() = set;
  return with_defaults(req, 1.0).set();  // the tempo window, range fraction, pain limit
}

protocols::RmTestSessionSpec to_spec(const v1::RmTestPrescription& p) {
  protocols::RmTestSessionSpec s;
  s.test.target_rm = static_cast<int>(p.target_rm());
  s.test.estimated_load_n = p.estimated_load_n();
  s.test.start_fraction = p.start_fraction();
  s.test.max_attempts = static_cast<int>(p.max_attempts());
  s.test.rest_s = p.rest_s();
  s.test.max_load_n = p.max_load_n();
  s.attempt = plugin::to_spec(attempt_prescription(p));
  return s;
}

protocols::HeelRiseSessionSpec to_spec(const v1::HeelRiseTestPrescription& p) {
  protocols::HeelRiseSessionSpec s;
  s.test.leg = to_legs(p.involved_leg());
  s.test.cadence_per_min = p.cadence_per_min();
  s.test.cadence_tolerance_s = p.cadence_tolerance_s();
  s.test.min_height_fraction = p.min_height_fraction();
  s.test.body_mass_kg = p.body_mass_kg();
  s.involved_only = p.involved_only();
  s.rest_s = p.rest_s();
  s.load_n = p.load_n();
  return s;
}

}  // namespace tempoload::plugin
