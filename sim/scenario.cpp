#include "sim/scenario.hpp"

#include "sim/scenario_fields.hpp"

#include "sim/athlete_model.hpp"
#include "sim/calf_raise_model.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <sstream>

namespace tempoload::sim {
namespace {

constexpr double kMaxDurationS = 60;
constexpr double kMinFatiguedS = 0.2;       // tempo_fatigue never scripts a faster move [s]
constexpr double kMinFatiguedRange = 0.05;  // ...nor a shorter range [fraction of travel]

void parse_tempo(const Fields& f, Tempo& t) {
  f.allow_only({"concentric_s", "top_pause_s", "eccentric_s", "bottom_pause_s"});
  t.concentric_s = f.number("concentric_s", 0, kMaxDurationS, std::nullopt, true);
  t.top_pause_s = f.number("top_pause_s", 0, kMaxDurationS, std::nullopt);
  t.eccentric_s = f.number("eccentric_s", 0, kMaxDurationS, std::nullopt, true);
  t.bottom_pause_s = f.number("bottom_pause_s", 0, kMaxDurationS, std::nullopt);
}

std::optional<double> optional_number(const Fields& f, const char* key, double lo, double hi,
                                      bool open) {
  if (!f.has(key)) return std::nullopt;
  return f.number(key, lo, hi, std::nullopt, open);
}

RepOverride parse_rep(const Fields& f) {
  f.allow_only({"rep", "concentric_s", "top_pause_s", "eccentric_s", "bottom_pause_s",
                "range_fraction", "stall_at_fraction", "stall_s", "reverse_fraction", "note"});
  RepOverride r;
  r.rep = static_cast<int>(f.integer("rep", 1, 10000, std::nullopt));
  r.concentric_s = optional_number(f, "concentric_s", 0, kMaxDurationS, true);
  r.top_pause_s = optional_number(f, "top_pause_s", 0, kMaxDurationS, false);
  r.eccentric_s = optional_number(f, "eccentric_s", 0, kMaxDurationS, true);
  r.bottom_pause_s = optional_number(f, "bottom_pause_s", 0, kMaxDurationS, false);
  r.range_fraction = optional_number(f, "range_fraction", 0, 1, false);
  if (r.range_fraction && *r.range_fraction <= 0)
    f.fail_at(f.at("range_fraction"), "must be in (0, 1], got 0");
  r.stall_at_fraction = optional_number(f, "stall_at_fraction", 0, 1, true);
  r.stall_s = optional_number(f, "stall_s", 0, kMaxDurationS, true);
  r.reverse_fraction = optional_number(f, "reverse_fraction", 0, 0.5, false);
  if (r.stall_s.has_value() != r.stall_at_fraction.has_value())
    f.fail_at(f.at(r.stall_s ? "stall_at_fraction" : "stall_s"),
              "missing: stall_s and stall_at_fraction go together");
  if (r.reverse_fraction && !r.stall_s) f.fail_at(f.at("reverse_fraction"), "needs a stall_s");
  r.note = f.text("note", "");
  return r;
}

LegProfile parse_leg_profile(const Fields& f, double standing_n) {
  f.allow_only({"one_rm_load_n", "mvic_n", "endurance_reps"});
  LegProfile leg;
  if (f.has("one_rm_load_n")) leg.one_rm_load_n = f.number("one_rm_load_n", 0, 20000, 0.0, true);
  if (f.has("mvic_n")) {
    leg.mvic_n = f.number("mvic_n", 0, 20000, 0.0, true);
    // The plate reads the standing weight before any push, so a maximum must exceed it.
    if (*leg.mvic_n <= standing_n)
      f.fail_at(f.at("mvic_n"), "must exceed the standing weight on the plate (" +
                                    std::to_string(static_cast<int>(standing_n)) + " N)");
  }
  if (f.has("endurance_reps"))
    leg.endurance_reps = static_cast<int>(f.integer("endurance_reps", 0, 1000, 0));
  return leg;
}

TempoFatigue parse_tempo_fatigue(const Fields& f) {
  f.allow_only({"from_rep", "concentric_s_per_rep", "eccentric_s_per_rep",
                "range_fraction_per_rep"});
  TempoFatigue t;
  t.from_rep = static_cast<int>(f.integer("from_rep", 1, 10000, std::nullopt));
  t.concentric_s_per_rep = f.number("concentric_s_per_rep", -10, 10, 0.0);
  t.eccentric_s_per_rep = f.number("eccentric_s_per_rep", -10, 10, 0.0);
  t.range_fraction_per_rep = f.number("range_fraction_per_rep", -0.5, 0.5, 0.0);
  return t;
}

// A set entry that needs a leg's number the athlete section does not give.
void check_leg_numbers(const Scenario& s, const SetScript& set, const Fields& f) {
  if (set.leg == Leg::kBoth) return;
  const LegProfile& leg = s.legs[set.leg == Leg::kLeft ? 0 : 1];
  const std::string where = std::string("athlete.") + to_string(set.leg);
  const bool isometric = set.action == SetAction::kMvic || set.action == SetAction::kHold;
  if (isometric && !leg.mvic_n)
    f.fail_at(f.at("action"), std::string("'") + to_string(set.action) + "' needs " + where +
                                  ".mvic_n");
  if (set.action == SetAction::kEndurance && !leg.endurance_reps)
    f.fail_at(f.at("action"), "'endurance' needs " + where + ".endurance_reps");
}

}  // namespace

ScenarioEvent parse_event(const Fields& f) {
  f.allow_only({"at_s", "event"});
  ScenarioEvent e;
  e.at_s = f.number("at_s", 0, 3600, std::nullopt);
  const std::string kind = f.text("event", std::nullopt);
  if (kind == "estop") {
    e.kind = EventKind::kEstop;
  } else if (kind == "drive_fault") {
    e.kind = EventKind::kDriveFault;
  } else {
    f.fail_at(f.at("event"), "unknown event '" + kind + "' (expected estop or drive_fault)");
  }
  return e;
}

const json& array_field(const Fields& f, const char* key) {
  const json& a = f.raw(key);
  if (!a.is_array()) f.fail_at(f.at(key), "must be an array, got " + a.dump());
  return a;
}

RepPlan Scenario::plan_for(int rep) const {
  RepPlan plan;
  plan.tempo = tempo;
  plan.range_fraction = range_fraction;
  const TempoFatigue& f = tempo_fatigue;
  if (f.from_rep > 0 && rep >= f.from_rep) {
    const double n = rep - f.from_rep + 1;
    // Bounded so a long set cannot script a zero-time or zero-range rep.
    plan.tempo.concentric_s = std::max(kMinFatiguedS, tempo.concentric_s + n * f.concentric_s_per_rep);
    plan.tempo.eccentric_s = std::max(kMinFatiguedS, tempo.eccentric_s + n * f.eccentric_s_per_rep);
    plan.range_fraction =
        std::clamp(range_fraction + n * f.range_fraction_per_rep, kMinFatiguedRange, 1.0);
  }
  for (const RepOverride& o : reps) {
    if (o.rep != rep) continue;
    plan.tempo.concentric_s = o.concentric_s.value_or(plan.tempo.concentric_s);
    plan.tempo.top_pause_s = o.top_pause_s.value_or(plan.tempo.top_pause_s);
    plan.tempo.eccentric_s = o.eccentric_s.value_or(plan.tempo.eccentric_s);
    plan.tempo.bottom_pause_s = o.bottom_pause_s.value_or(plan.tempo.bottom_pause_s);
    plan.range_fraction = o.range_fraction.value_or(plan.range_fraction);
    plan.stall_at_fraction = o.stall_at_fraction.value_or(0);
    plan.stall_s = o.stall_s.value_or(0);
    plan.reverse_fraction = o.reverse_fraction.value_or(0);
    plan.note = o.note;
  }
  return plan;
}

SetScript Scenario::script_for(int set) const {
  for (const SetScript& s : sets)
    if (set >= s.first_set && set <= s.last_set) return s;
  SetScript reps;
  reps.first_set = reps.last_set = set;
  return reps;
}

double Scenario::one_rm_for(Leg leg) const {
  if (leg == Leg::kLeft) return legs[0].one_rm_load_n.value_or(left_share * one_rm_load_n);
  if (leg == Leg::kRight) return legs[1].one_rm_load_n.value_or((1 - left_share) * one_rm_load_n);
  return one_rm_load_n;
}

Scenario parse_scenario(const std::string& json_text, const std::string& source) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw ScenarioError(source + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw ScenarioError(source + ": top level must be an object");
  const Fields top(j, source, "");
  if (const std::string machine = top.text("machine", "calf_raise"); machine != "calf_raise")
    top.fail_at("machine", "'" + machine + "' scenario given with a calf_raise map");
  top.allow_only({"name", "machine", "description", "athlete", "tempo", "range_fraction",
                  "start_delay_s", "max_reps", "reps", "tempo_fatigue", "sets", "events",
                  "noise"});

  Scenario s;
  s.name = top.text("name", std::nullopt);
  if (s.name.empty()) top.fail_at("name", "must not be empty");
  s.description = top.text("description", "");

  if (!top.has("athlete")) top.fail_at("athlete", "missing");
  const Fields athlete(top.raw("athlete"), source, "athlete");
  athlete.allow_only({"body_mass_kg", "one_rm_load_n", "left_share", "fatigue_per_rep",
                      "failure_model", "left", "right"});
  s.body_mass_kg = athlete.number("body_mass_kg", 20, 300, std::nullopt);
  s.one_rm_load_n = athlete.number("one_rm_load_n", 0, 20000, std::nullopt, true);
  s.left_share = athlete.number("left_share", 0, 1, std::nullopt, true);
  s.fatigue_per_rep = athlete.number("fatigue_per_rep", 0, 0.5, 0.0);
  if (const std::string m = athlete.text("failure_model", "linear"); m == "epley") {
    s.failure_model = FailureModel::kEpley;
  } else if (m != "linear") {
    athlete.fail_at(athlete.at("failure_model"),
                    "unknown failure_model '" + m + "' (expected linear or epley)");
  }
  const double standing_n = (s.body_mass_kg + CalfRaiseModel::kCarriageMassKg) * AthleteModel::kGravity;
  if (athlete.has("left"))
    s.legs[0] = parse_leg_profile(Fields(athlete.raw("left"), source, "athlete.left"), standing_n);
  if (athlete.has("right"))
    s.legs[1] =
        parse_leg_profile(Fields(athlete.raw("right"), source, "athlete.right"), standing_n);

  if (!top.has("tempo")) top.fail_at("tempo", "missing");
  parse_tempo(Fields(top.raw("tempo"), source, "tempo"), s.tempo);

  s.range_fraction = top.number("range_fraction", 0, 1, 0.9);
  if (s.range_fraction <= 0) top.fail_at("range_fraction", "must be in (0, 1], got 0");
  s.start_delay_s = top.number("start_delay_s", 0, kMaxDurationS, 1.0);
  s.max_reps = static_cast<int>(top.integer("max_reps", 1, 10000, 12));

  if (top.has("reps")) {
    const json& reps = array_field(top, "reps");
    for (std::size_t i = 0; i < reps.size(); ++i) {
      const std::string at = "reps[" + std::to_string(i) + "]";
      RepOverride r = parse_rep(Fields(reps[i], source, at));
      for (const RepOverride& other : s.reps)
        if (other.rep == r.rep) top.fail_at(at + ".rep", "rep " + std::to_string(r.rep) + " twice");
      s.reps.push_back(std::move(r));
    }
  }
  if (top.has("tempo_fatigue"))
    s.tempo_fatigue = parse_tempo_fatigue(Fields(top.raw("tempo_fatigue"), source, "tempo_fatigue"));
  if (top.has("sets")) {
    const json& sets = array_field(top, "sets");
    for (std::size_t i = 0; i < sets.size(); ++i) {
      const std::string at = "sets[" + std::to_string(i) + "]";
      const Fields f(sets[i], source, at);
      SetScript set = parse_set_script(f);
      for (std::size_t k = 0; k < s.sets.size(); ++k) {
        const SetScript& other = s.sets[k];
        if (set.first_set <= other.last_set && other.first_set <= set.last_set)
          top.fail_at(at + ".set", "sets " + std::to_string(set.first_set) + "-" +
                                       std::to_string(set.last_set) + " overlap sets[" +
                                       std::to_string(k) + "]");
      }
      check_leg_numbers(s, set, f);
      s.sets.push_back(std::move(set));
    }
  }
  if (top.has("events")) {
    const json& events = array_field(top, "events");
    for (std::size_t i = 0; i < events.size(); ++i)
      s.events.push_back(
          parse_event(Fields(events[i], source, "events[" + std::to_string(i) + "]")));
    std::stable_sort(
        s.events.begin(), s.events.end(),
        [](const ScenarioEvent& a, const ScenarioEvent& b) { return a.at_s < b.at_s; });
  }
  if (top.has("noise")) {
    const Fields noise(top.raw("noise"), source, "noise");
    noise.allow_only({"force_sd_n", "seed"});
    s.force_sd_n = noise.number("force_sd_n", 0, 1000, 0.0);
    s.seed = static_cast<std::uint32_t>(noise.integer("seed", 0, 4294967295L, 1));
  }
  return s;
}

Scenario load_scenario_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw ScenarioError(path.string() + ": cannot open scenario file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_scenario(ss.str(), path.string());
}

const char* to_string(EventKind kind) {
  switch (kind) {
    case EventKind::kEstop:
      return "estop";
    case EventKind::kDriveFault:
      return "drive_fault";
  }
  return "?";
}

}  // namespace tempoload::sim
