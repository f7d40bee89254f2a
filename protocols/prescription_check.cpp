#include "protocols/prescription_check.hpp"

#include <charconv>
#include <cmath>

namespace tempoload::protocols {
namespace {

std::string num(double v) {  // shortest exact form: "0.5", "3", "3500"
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

using Problem = std::optional<PrescriptionProblem>;

Problem problem(const std::string& field, const std::string& message) {
  return PrescriptionProblem{field, message};
}

// value in [lo, hi], finite.
bool within(double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; }

std::string range_text(double lo, double hi, const char* unit) {
  return "[" + num(lo) + ", " + num(hi) + "] " + unit;
}

Problem check_tempo(const std::string& f, const TempoSpec& t, const PrescriptionLimits& lim) {
  if (!(t.concentric_s > 0) || !within(t.concentric_s, 0, lim.max_phase_s)) {
    return problem(f + ".concentric_s",
                   num(t.concentric_s) + " s is outside (0, " + num(lim.max_phase_s) + "] s");
  }
  if (!within(t.top_pause_s, 0, lim.max_phase_s)) {
    return problem(f + ".top_pause_s",
                   num(t.top_pause_s) + " s is outside " + range_text(0, lim.max_phase_s, "s"));
  }
  if (!within(t.bottom_pause_s, 0, lim.max_phase_s)) {
    return problem(f + ".bottom_pause_s",
                   num(t.bottom_pause_s) + " s is outside " + range_text(0, lim.max_phase_s, "s"));
  }
  const std::string window = range_text(lim.lowering_min_s, lim.lowering_max_s, "s");
  if (!within(t.eccentric_s, lim.lowering_min_s, lim.lowering_max_s)) {
    return problem(f + ".eccentric_s",
                   num(t.eccentric_s) + " s is outside the allowed lowering window " + window);
  }
  if (!within(t.eccentric_min_s, lim.lowering_min_s, lim.lowering_max_s)) {
    return problem(f + ".eccentric_min_s",
                   num(t.eccentric_min_s) + " s is outside the allowed lowering window " + window);
  }
  if (!within(t.eccentric_max_s, t.eccentric_min_s, lim.lowering_max_s)) {
    return problem(f + ".eccentric_max_s", num(t.eccentric_max_s) + " s is outside " +
                                               range_text(t.eccentric_min_s, lim.lowering_max_s,
                                                          "s (eccentric_min_s to the window)"));
  }
  if (!within(t.eccentric_s, t.eccentric_min_s, t.eccentric_max_s)) {
    return problem(f + ".eccentric_s", num(t.eccentric_s) +
                                           " s is outside [eccentric_min_s, eccentric_max_s] = " +
                                           range_text(t.eccentric_min_s, t.eccentric_max_s, "s"));
  }
  if (!within(t.max_pause_s, 0, lim.max_phase_s)) {
    return problem(f + ".max_pause_s", num(t.max_pause_s) + " s is outside " +
                                           range_text(0, lim.max_phase_s, "s (0: no limit)"));
  }
  return std::nullopt;
}

Problem check_set(int i, const PlannedSet& set, const Prescription& p,
                  const PrescriptionLimits& lim) {
  const std::string f = "sets[" + std::to_string(i) + "]";
  const SetSpec& s = set.spec;
  if (s.reps < 1 || s.reps > lim.max_reps) {
    return problem(f + ".spec.reps", "must be in [1, " + std::to_string(lim.max_reps) + "], got " +
                                         std::to_string(s.reps));
  }
  if (!within(s.load_n, 0, lim.machine.max_force_n)) {
    return problem(f + ".spec.load_n", num(s.load_n) + " N is outside the machine's range " +
                                           range_text(0, lim.machine.max_force_n, "N"));
  }
  if (p.plan.max_load_n > 0 && s.load_n > p.plan.max_load_n) {
    return problem(f + ".spec.load_n", num(s.load_n) + " N is above the prescription's maximum " +
                                           num(p.plan.max_load_n) + " N");
  }
  if (set.target_rm < 0 || set.target_rm > lim.max_reps) {
    return problem(f + ".target_rm", "must be in [0, " + std::to_string(lim.max_reps) + "], got " +
                                         std::to_string(set.target_rm));
  }
  if (set.target_rm > 0 && set.target_rm <= lim.heavy_rm && !p.rm_on_record) {
    return problem(f + ".target_rm", "a " + std::to_string(set.target_rm) +
                                         "RM load needs an RM test or an RM estimate on record");
  }
  if (auto t = check_tempo(f + ".spec.tempo", s.tempo, lim)) return t;
  if (!(s.min_range_fraction > 0) || s.min_range_fraction > 1) {
    return problem(f + ".spec.min_range_fraction",
                   num(s.min_range_fraction) + " is outside (0, 1]");
  }
  if (!within(s.idle_timeout_s, 2, 600)) {
    return problem(f + ".spec.idle_timeout_s",
                   num(s.idle_timeout_s) + " s is outside " + range_text(2, 600, "s"));
  }
  if (!(s.load_ramp_s > 0) || s.load_ramp_s > 10) {  // 0 would be a step
    return problem(f + ".spec.load_ramp_s", num(s.load_ramp_s) + " s is outside (0, 10] s");
  }
  if (!within(s.max_set_pause_s, 0, 600)) {
    return problem(f + ".spec.max_set_pause_s",
                   num(s.max_set_pause_s) + " s is outside " + range_text(0, 600, "s"));
  }
  if (!within(s.pain_limit, 0, 10)) {
    return problem(f + ".spec.pain_limit", num(s.pain_limit) + " is outside [0, 10]");
  }
  const bool last = i + 1 == static_cast<int>(p.plan.sets.size());
  if (!last) {
    const bool change = p.plan.sets[i + 1].knee != set.knee || p.plan.sets[i + 1].legs != set.legs;
    const double hi = change ? kExerciseChangeRestS : kMaxRestS;
    if (!within(set.rest_after_s, kMinRestS, hi)) {
      return problem(f + ".rest_after_s", num(set.rest_after_s) + " s is outside " +
                                              range_text(kMinRestS, hi, "s") +
                                              (change ? " (exercise change)" : ""));
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<PrescriptionProblem> check_prescription(const Prescription& p,
                                                      const PrescriptionLimits& limits) {
  if (p.plan.sets.empty()) return problem("sets", "at least one set is needed");
  if (!(p.plan.max_load_n >= 0) || !std::isfinite(p.plan.max_load_n)) {
    return problem("max_load_n", num(p.plan.max_load_n) + " N must be 0 (none) or positive");
  }
  for (int i = 0; i < static_cast<int>(p.plan.sets.size()); ++i) {
    if (auto pr = check_set(i, p.plan.sets[i], p, limits)) return pr;
  }
  return std::nullopt;
}

}  // namespace tempoload::protocols
