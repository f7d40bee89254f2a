#include "plugin/session/proto_conversion.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

// Defaults and allowed windows (docs/protocols.md). The eccentric window defaults to 3-5 s
// (PROTOCOLS.md section 1); a coach may widen it only explicitly, never below 1 s.
constexpr double kDefaultEccentricMinS = 3.0;
constexpr double kDefaultEccentricMaxS = 5.0;
constexpr double kShortestEccentricS = 1.0;
constexpr double kLongestPhaseS = 30.0;
constexpr double kDefaultRangeFraction = 0.8;
constexpr double kDefaultIdleTimeoutS = 15.0;
constexpr std::uint32_t kMaxReps = 50;
constexpr std::uint32_t kDefaultPainLimit = 5;  // SetPrescription.pain_limit_0_10
constexpr double kDefaultMaxHoldS = 120.0;      // SetPrescription.max_hold_s

std::string fmt(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'))
      return false;
  return true;
}

std::string check_duration(const char* field, double v, bool allow_zero) {
  if (!std::isfinite(v) || v < 0 || (!allow_zero && v == 0) || v > kLongestPhaseS)
    return std::string(field) + ": " + fmt(v) + " s is outside " + (allow_zero ? "[0" : "(0") +
           ", " + fmt(kLongestPhaseS) + "] s";
  return "";
}

}  // namespace

std::string validate_id(const std::string& field, const std::string& id) {
  if (valid_id(id)) return "";
  return field + ": must be 1..64 characters of [A-Za-z0-9_.-], got '" + id + "'";
}

v1::StartSetRequest with_defaults(v1::StartSetRequest req, double travel_m) {
  auto* set = req.mutable_set();
  auto* t = set->mutable_tempo();
  if (t->eccentric_min_s() == 0) t->set_eccentric_min_s(kDefaultEccentricMinS);
  if (t->eccentric_max_s() == 0) t->set_eccentric_max_s(kDefaultEccentricMaxS);
  if (set->min_range_fraction() == 0) set->set_min_range_fraction(kDefaultRangeFraction);
  if (set->idle_timeout_s() == 0) set->set_idle_timeout_s(kDefaultIdleTimeoutS);
  if (set->pain_limit_0_10() == 0) set->set_pain_limit_0_10(kDefaultPainLimit);
  if (set->max_hold_s() == 0) set->set_max_hold_s(kDefaultMaxHoldS);
  if (!req.has_range()) {
    req.mutable_range()->set_bottom_m(0);
    req.mutable_range()->set_top_m(travel_m);
  }
  return req;
}

std::string validate(const v1::StartSetRequest& raw, double max_force_n, double travel_m) {
  if (!valid_id(raw.athlete_id()))
    return "athlete_id: must be 1..64 characters of [A-Za-z0-9_.-], got '" + raw.athlete_id() + "'";
  if (!raw.has_set()) return "set: required";
  const v1::StartSetRequest req = with_defaults(raw, travel_m);
  const auto& s = req.set();
  if (s.reps() < 1 || s.reps() > kMaxReps)
    return "set.reps: must be in [1, " + std::to_string(kMaxReps) + "], got " +
           std::to_string(s.reps());
  if (s.target_rm() > kMaxTargetRm)
    return "set.target_rm: must be in [1, " + std::to_string(kMaxTargetRm) +
           "] (an nRM load) or 0 to use load_n, got " + std::to_string(s.target_rm());
  if (s.target_rm() > 0 && s.load_n() != 0)
    return "set.load_n: must be 0 when set.target_rm is given (the load comes from the "
           "athlete's RM), got " +
           fmt(s.load_n()) + " N";
  if (!std::isfinite(s.load_n()) || s.load_n() < 0 || s.load_n() > max_force_n)
    return "set.load_n: " + fmt(s.load_n()) + " N is outside the machine's range [0, " +
           fmt(max_force_n) + "] N";
  if (!s.has_tempo()) return "set.tempo: required";
  const auto& t = s.tempo();
  for (auto e : {check_duration("set.tempo.concentric_s", t.concentric_s(), false),
                 check_duration("set.tempo.top_pause_s", t.top_pause_s(), true),
                 check_duration("set.tempo.bottom_pause_s", t.bottom_pause_s(), true),
                 check_duration("set.tempo.eccentric_min_s", t.eccentric_min_s(), false),
                 check_duration("set.tempo.eccentric_max_s", t.eccentric_max_s(), false)})
    if (!e.empty()) return e;
  if (t.eccentric_min_s() < kShortestEccentricS)
    return "set.tempo.eccentric_min_s: " + fmt(t.eccentric_min_s()) +
           " s is below the shortest allowed lowering of " + fmt(kShortestEccentricS) + " s";
  if (t.eccentric_max_s() < t.eccentric_min_s())
    return "set.tempo.eccentric_max_s: " + fmt(t.eccentric_max_s()) +
           " s is below eccentric_min_s " + fmt(t.eccentric_min_s()) + " s";
  if (!std::isfinite(t.eccentric_s()) || t.eccentric_s() < t.eccentric_min_s() ||
      t.eccentric_s() > t.eccentric_max_s())
    return "set.tempo.eccentric_s: " + fmt(t.eccentric_s()) +
           " s is outside [eccentric_min_s, eccentric_max_s] = [" + fmt(t.eccentric_min_s()) +
           ", " + fmt(t.eccentric_max_s()) + "] s";
  if (!std::isfinite(t.max_pause_s()) ||
      (t.max_pause_s() != 0 && (t.max_pause_s() < 0.5 || t.max_pause_s() > 60)))
    return "set.tempo.max_pause_s: must be in [0.5, 60] s or 0 for no limit, got " +
           fmt(t.max_pause_s());
  if (t.max_pause_s() != 0 && t.max_pause_s() <= std::max(t.top_pause_s(), t.bottom_pause_s()))
    return "set.tempo.max_pause_s: " + fmt(t.max_pause_s()) +
           " s must be longer than the prescribed pauses (top " + fmt(t.top_pause_s()) +
           " s, bottom " + fmt(t.bottom_pause_s()) + " s)";
  if (s.pain_limit_0_10() < 1 || s.pain_limit_0_10() > 10)
    return "set.pain_limit_0_10: must be in [1, 10], got " + std::to_string(s.pain_limit_0_10());
  if (!std::isfinite(s.max_hold_s()) || s.max_hold_s() < 5 || s.max_hold_s() > 600)
    return "set.max_hold_s: must be in [5, 600] s or 0 for " + fmt(kDefaultMaxHoldS) + " s, got " +
           fmt(s.max_hold_s());
  if (!(s.min_range_fraction() > 0 && s.min_range_fraction() <= 1))
    return "set.min_range_fraction: must be in (0, 1], got " + fmt(s.min_range_fraction());
  if (!(s.idle_timeout_s() >= 2 && s.idle_timeout_s() <= 600))
    return "set.idle_timeout_s: must be in [2, 600] s, got " + fmt(s.idle_timeout_s());
  return validate_range(req.range(), travel_m);
}

std::string validate_range(const v1::RangeOfMotion& r, double travel_m) {
  if (!std::isfinite(r.bottom_m()) || r.bottom_m() < 0 || r.bottom_m() > travel_m)
    return "range.bottom_m: " + fmt(r.bottom_m()) + " m is outside the machine's travel [0, " +
           fmt(travel_m) + "] m";
  if (!std::isfinite(r.top_m()) || r.top_m() > travel_m || r.top_m() - r.bottom_m() < 0.01)
    return "range.top_m: " + fmt(r.top_m()) + " m must be within the travel (" + fmt(travel_m) +
           " m) and at least 0.01 m above bottom_m";
  return "";
}

protocols::SetSpec to_spec(const v1::SetPrescription& p) {
  protocols::SetSpec s;
  s.reps = static_cast<int>(p.reps());
  s.load_n = p.load_n();
  s.tempo.concentric_s = p.tempo().concentric_s();
  s.tempo.top_pause_s = p.tempo().top_pause_s();
  s.tempo.eccentric_s = p.tempo().eccentric_s();
  s.tempo.bottom_pause_s = p.tempo().bottom_pause_s();
  s.tempo.eccentric_min_s = p.tempo().eccentric_min_s();
  s.tempo.eccentric_max_s = p.tempo().eccentric_max_s();
  s.min_range_fraction = p.min_range_fraction();
  s.idle_timeout_s = p.idle_timeout_s();
  s.tempo.max_pause_s = p.tempo().max_pause_s();
  s.max_set_pause_s = p.max_hold_s() > 0 ? p.max_hold_s() : kDefaultMaxHoldS;
  s.pain_limit = p.pain_limit_0_10() > 0 ? p.pain_limit_0_10() : kDefaultPainLimit;
  s.eccentric_velocity_limit = p.eccentric_velocity_limit();
  s.eccentric_only = p.eccentric_only();
  return s;
}

protocols::RangeOfMotion to_range(const v1::RangeOfMotion& r) {
  return protocols::RangeOfMotion{r.bottom_m(), r.top_m()};
}

v1::Phase to_proto(protocols::Phase p) {
  switch (p) {
    case protocols::Phase::kLoading:
      return v1::PHASE_LOADING;
    case protocols::Phase::kReady:
      return v1::PHASE_READY;
    case protocols::Phase::kConcentric:
      return v1::PHASE_CONCENTRIC;
    case protocols::Phase::kTopPause:
      return v1::PHASE_TOP_PAUSE;
    case protocols::Phase::kEccentric:
      return v1::PHASE_ECCENTRIC;
    case protocols::Phase::kBottomPause:
      return v1::PHASE_BOTTOM_PAUSE;
    case protocols::Phase::kUnloading:
      return v1::PHASE_UNLOADING;
    case protocols::Phase::kDone:
      return v1::PHASE_DONE;
    case protocols::Phase::kPaused:
      return v1::PHASE_PAUSED;
  }
  return v1::PHASE_UNSPECIFIED;
}

v1::RepVerdict to_proto(protocols::Verdict v) {
  switch (v) {
    case protocols::Verdict::kCounted:
      return v1::REP_VERDICT_COUNTED;
    case protocols::Verdict::kTooFast:
      return v1::REP_VERDICT_TOO_FAST;
    case protocols::Verdict::kTooSlow:
      return v1::REP_VERDICT_TOO_SLOW;
    case protocols::Verdict::kPartialRange:
      return v1::REP_VERDICT_PARTIAL_RANGE;
    case protocols::Verdict::kPausedTooLong:
      return v1::REP_VERDICT_PAUSED_TOO_LONG;
  }
  return v1::REP_VERDICT_UNSPECIFIED;
}

v1::RepResult to_proto(const protocols::RepMetrics& m, const std::string& cue,
                       std::int64_t completed_at_unix_ms) {
  v1::RepResult r;
  r.set_index(static_cast<std::uint32_t>(m.index));
  r.set_counted(m.counted());
  r.set_verdict(to_proto(m.verdict));
  r.set_cue(cue);
  r.set_concentric_s(m.concentric_s);
  r.set_top_pause_s(m.top_pause_s);
  r.set_eccentric_s(m.eccentric_s);
  r.set_bottom_pause_s(m.bottom_pause_s);
  r.set_range_m(m.range_m);
  r.set_peak_force_left_n(m.peak_force_left_n);
  r.set_peak_force_right_n(m.peak_force_right_n);
  r.set_mean_force_left_n(m.mean_force_left_n);
  r.set_mean_force_right_n(m.mean_force_right_n);
  r.set_time_under_tension_s(m.time_under_tension_s);
  r.set_symmetry_index_pct(m.symmetry_index_pct);
  r.set_completed_at_unix_ms(completed_at_unix_ms);
  r.set_impulse_left_ns(m.impulse_left_ns);
  r.set_impulse_right_ns(m.impulse_right_ns);
  r.set_work_concentric_left_j(m.work_concentric_left_j);
  r.set_work_concentric_right_j(m.work_concentric_right_j);
  r.set_work_eccentric_left_j(m.work_eccentric_left_j);
  r.set_work_eccentric_right_j(m.work_eccentric_right_j);
  r.set_longest_stall_s(m.longest_stall_s);
  return r;
}

v1::SetSummary to_proto(const protocols::SetSummary& s, const std::string& end_reason) {
  v1::SetSummary r;
  r.set_reps_counted(static_cast<std::uint32_t>(s.reps_counted));
  r.set_reps_attempted(static_cast<std::uint32_t>(s.reps_attempted));
  r.set_mean_eccentric_s(s.mean_eccentric_s);
  r.set_mean_concentric_s(s.mean_concentric_s);
  r.set_peak_force_left_n(s.peak_force_left_n);
  r.set_peak_force_right_n(s.peak_force_right_n);
  r.set_mean_force_left_n(s.mean_force_left_n);
  r.set_mean_force_right_n(s.mean_force_right_n);
  r.set_symmetry_index_pct(s.symmetry_index_pct);
  r.set_time_under_tension_s(s.time_under_tension_s);
  r.set_end_reason(end_reason);
  return r;
}

}  // namespace tempoload::plugin
