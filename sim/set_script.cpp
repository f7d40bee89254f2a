#include "sim/set_script.hpp"

#include "sim/scenario_fields.hpp"

namespace tempoload::sim {
namespace {

Leg parse_leg(const Fields& f, const char* key) {
  const std::string s = f.text(key, "both");
  if (s == "both") return Leg::kBoth;
  if (s == "left") return Leg::kLeft;
  if (s == "right") return Leg::kRight;
  f.fail_at(f.at(key), "unknown leg '" + s + "' (expected both, left or right)");
}

SetAction parse_action(const Fields& f) {
  const std::string s = f.text("action", "reps");
  if (s == "reps") return SetAction::kReps;
  if (s == "eccentric") return SetAction::kEccentric;
  if (s == "mvic") return SetAction::kMvic;
  if (s == "hold") return SetAction::kHold;
  if (s == "endurance") return SetAction::kEndurance;
  f.fail_at(f.at("action"),
            "unknown action '" + s + "' (expected reps, eccentric, mvic, hold or endurance)");
}

}  // namespace

SetScript parse_set_script(const Fields& f) {
  SetScript s;
  s.action = parse_action(f);
  switch (s.action) {
    case SetAction::kReps:
      f.allow_only({"set", "through_set", "leg", "action", "max_reps", "note"});
      break;
    case SetAction::kEccentric:
      f.allow_only({"set", "through_set", "leg", "action", "max_reps", "raise", "note"});
      break;
    case SetAction::kMvic:
      f.allow_only({"set", "through_set", "leg", "action", "fraction", "rise_s", "hold_s",
                    "efforts", "rest_s", "note"});
      break;
    case SetAction::kHold:
      f.allow_only({"set", "through_set", "leg", "action", "target_fraction", "rise_s", "hold_s",
                    "drift_per_s", "wobble_fraction", "efforts", "rest_s", "note"});
      break;
    case SetAction::kEndurance:
      f.allow_only({"set", "through_set", "leg", "action", "cadence_per_min", "fade_reps",
                    "final_range_fraction", "note"});
      break;
  }
  s.first_set = static_cast<int>(f.integer("set", 1, 10000, std::nullopt));
  s.last_set = static_cast<int>(f.integer("through_set", s.first_set, 10000, s.first_set));
  s.leg = parse_leg(f, "leg");
  if (f.has("max_reps")) s.max_reps = static_cast<int>(f.integer("max_reps", 1, 10000, 1));
  s.note = f.text("note", "");

  const bool isometric = s.action == SetAction::kMvic || s.action == SetAction::kHold;
  if ((isometric || s.action == SetAction::kEndurance) && s.leg == Leg::kBoth)
    f.fail_at(f.at("leg"), std::string("action '") + to_string(s.action) +
                               "' is single-leg: give left or right");

  if (s.action == SetAction::kEccentric) {
    const std::string raise = f.text("raise", "machine");
    if (raise == "machine") {
      s.raise = Raise::kMachine;
    } else if (raise == "other_leg") {
      s.raise = Raise::kOtherLeg;
      if (s.leg == Leg::kBoth)
        f.fail_at(f.at("raise"), "'other_leg' needs leg left or right (the lowering leg)");
    } else {
      f.fail_at(f.at("raise"), "unknown raise '" + raise + "' (expected machine or other_leg)");
    }
  }
  if (isometric) {
    IsometricPlan& p = s.isometric;
    const bool mvic = s.action == SetAction::kMvic;
    p.fraction = mvic ? f.number("fraction", 0, 1, 1.0, false)
                      : f.number("target_fraction", 0, 1, 0.7, false);
    if (p.fraction <= 0) f.fail_at(f.at(mvic ? "fraction" : "target_fraction"), "must be > 0");
    p.rise_s = f.number("rise_s", 0.05, 10, mvic ? 0.2 : 1.0);
    p.hold_s = f.number("hold_s", 0, 600, mvic ? 3.0 : 45.0);
    if (!mvic) {
      p.drift_per_s = f.number("drift_per_s", -0.05, 0.05, 0.0);
      p.wobble_fraction = f.number("wobble_fraction", 0, 0.2, 0.0);
    }
    p.efforts = static_cast<int>(f.integer("efforts", 1, 100, 1));
    p.rest_s = f.number("rest_s", 0, 600, mvic ? 5.0 : 120.0);
  }
  if (s.action == SetAction::kEndurance) {
    EndurancePlan& e = s.endurance;
    e.cadence_per_min = f.number("cadence_per_min", 5, 120, 30.0);
    e.fade_reps = static_cast<int>(f.integer("fade_reps", 0, 100, 5));
    e.final_range_fraction = f.number("final_range_fraction", 0, 1, 0.5, true);
  }
  return s;
}

const char* to_string(Leg leg) {
  switch (leg) {
    case Leg::kBoth:
      return "both";
    case Leg::kLeft:
      return "left";
    case Leg::kRight:
      return "right";
  }
  return "?";
}

const char* to_string(SetAction action) {
  switch (action) {
    case SetAction::kReps:
      return "reps";
    case SetAction::kEccentric:
      return "eccentric";
    case SetAction::kMvic:
      return "mvic";
    case SetAction::kHold:
      return "hold";
    case SetAction::kEndurance:
      return "endurance";
  }
  return "?";
}

}  // namespace tempoload::sim
