#include "protocols/programmes.hpp"

namespace tempoload::protocols {
namespace {

constexpr int kWeeks = 12;

ProgrammeResult refuse(std::string error) { return {std::nullopt, std::move(error)}; }

std::string outside(const char* name, int v, int lo, int hi) {
  return std::string(name) + ": " + std::to_string(v) + " is outside [" + std::to_string(lo) +
         ", " + std::to_string(hi) + "]";
}

double rm_load(const HsrLoads& l, int rm) {
  switch (rm) {
    case 15:
      return l.rm15_n;
    case 12:
      return l.rm12_n;
    case 10:
      return l.rm10_n;
    case 8:
      return l.rm8_n;
    case 6:
      return l.rm6_n;
  }
  return 0;
}

TempoSpec tempo(const ProgrammeOptions& o) {
  TempoSpec t;
  t.concentric_s = o.concentric_s;
  t.eccentric_s = o.lowering_s;
  t.eccentric_min_s = 3.0;  // the seeds' window (PROTOCOLS.md section 1)
  t.eccentric_max_s = 5.0;
  t.top_pause_s = 0;
  t.bottom_pause_s = 0.5;
  return t;
}

void add_sets(SessionPlan& plan, int count, const PlannedSet& set) {
  if (!plan.sets.empty() &&
      (plan.sets.back().knee != set.knee || plan.sets.back().legs != set.legs))
    plan.sets.back().rest_after_s = kExerciseChangeRestS;
  for (int i = 0; i < count; ++i) plan.sets.push_back(set);
}

ProgrammeResult hsr(int week, int session, const ProgrammeOptions& o) {
  if (session < 1 || session > 3) return refuse(outside("session", session, 1, 3));
  const HsrBlock block = hsr_block(week);
  const double load_n = rm_load(o.loads, block.rm);
  if (!(load_n > 0)) {
    return refuse("loads.rm" + std::to_string(block.rm) + "_n: week " + std::to_string(week) +
                  " needs the " + std::to_string(block.rm) + "RM load");
  }
  PlannedSet set;
  set.spec.reps = block.rm;
  set.spec.load_n = load_n;
  set.spec.tempo = tempo(o);
  set.rest_after_s = o.rest_s;
  set.target_rm = block.rm;
  SessionPlan plan;
  plan.max_load_n = o.max_load_n;
  if (o.variant != HsrVariant::kSeated) {
    set.knee = Knee::kStraight;
    add_sets(plan, block.sets, set);
  }
  if (o.variant != HsrVariant::kStanding) {
    set.knee = Knee::kBent;
    add_sets(plan, block.sets, set);
  }
  return {plan, ""};
}

ProgrammeResult alfredson(int session, const ProgrammeOptions& o) {
  if (session < 1 || session > 14) return refuse(outside("session", session, 1, 14));
  PlannedSet set;
  set.spec.reps = 15;
  set.spec.load_n = o.alfredson_load_n;
  set.spec.tempo = tempo(o);
  set.spec.tempo.top_pause_s = 1.0;  // the load ramps on at the top
  set.spec.eccentric_only = true;
  set.spec.eccentric_velocity_limit = true;
  set.spec.load_ramp_s = 0.5;
  set.legs = o.injured_leg;
  set.rest_after_s = o.rest_s;
  SessionPlan plan;
  plan.max_load_n = o.max_load_n;
  set.knee = Knee::kStraight;
  add_sets(plan, 3, set);
  set.knee = Knee::kBent;
  add_sets(plan, 3, set);
  return {plan, ""};
}

}  // namespace

HsrBlock hsr_block(int week) {
  if (week < 1 || week > kWeeks) return {};
  if (week == 1) return {3, 15};
  if (week <= 3) return {3, 12};
  if (week <= 5) return {4, 10};
  if (week <= 8) return {4, 8};
  return {4, 6};
}

ProgrammeResult programme_session(ProgrammeKind kind, int week, int session,
                                  const ProgrammeOptions& options) {
  if (week < 1 || week > kWeeks) return refuse(outside("week", week, 1, kWeeks));
  if (!(options.lowering_s >= 3.0 && options.lowering_s <= 5.0)) {
    return refuse("lowering_s: " + std::to_string(options.lowering_s) + " is outside [3, 5] s");
  }
  switch (kind) {
    case ProgrammeKind::kHsr:
      return hsr(week, session, options);
    case ProgrammeKind::kAlfredson:
      return alfredson(session, options);
  }
  return refuse("kind: unknown");
}

}  // namespace tempoload::protocols
