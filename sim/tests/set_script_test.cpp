// Scenario files' behaviour scripting (sets[], per-leg strength, failure model, tempo_fatigue,
// stalls): parsed as documented, and refused with an error naming the field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "sim/scenario.hpp"
#include "sim_test_support.hpp"

namespace tempoload::sim {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

json scripted() {
  return json::parse(R"({
    "name": "t",
    "athlete": {"body_mass_kg": 75, "one_rm_load_n": 2000, "left_share": 0.46,
                "failure_model": "epley",
                "left": {"one_rm_load_n": 900, "mvic_n": 2000, "endurance_reps": 18},
                "right": {"mvic_n": 2300, "endurance_reps": 24}},
    "tempo": {"concentric_s": 3.0, "top_pause_s": 0.5, "eccentric_s": 3.5, "bottom_pause_s": 1.0},
    "reps": [{"rep": 2, "stall_at_fraction": 0.5, "stall_s": 1.5, "reverse_fraction": 0.1}],
    "tempo_fatigue": {"from_rep": 6, "eccentric_s_per_rep": -0.4, "range_fraction_per_rep": -0.05},
    "sets": [
      {"set": 1, "through_set": 3, "leg": "left", "action": "mvic", "rise_s": 0.25},
      {"set": 4, "leg": "right", "action": "hold", "target_fraction": 0.7, "drift_per_s": -0.005},
      {"set": 5, "leg": "left", "action": "endurance", "cadence_per_min": 30},
      {"set": 6, "leg": "left", "action": "eccentric", "raise": "other_leg", "max_reps": 15}
    ]})");
}

std::string error_of(const json& j) {
  try {
    parse_scenario(j.dump(), "s.json");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

TEST(SetScriptGood, ParsesSetsLegsAndStrength) {
  const Scenario s = parse_scenario(scripted().dump(), "s.json");
  EXPECT_EQ(s.failure_model, FailureModel::kEpley);
  EXPECT_DOUBLE_EQ(*s.legs[0].mvic_n, 2000);
  EXPECT_EQ(*s.legs[1].endurance_reps, 24);
  EXPECT_DOUBLE_EQ(s.one_rm_for(Leg::kLeft), 900);
  EXPECT_DOUBLE_EQ(s.one_rm_for(Leg::kRight), 0.54 * 2000);  // default: its share
  EXPECT_DOUBLE_EQ(s.one_rm_for(Leg::kBoth), 2000);
  EXPECT_EQ(s.script_for(2).action, SetAction::kMvic);
  EXPECT_EQ(s.script_for(3).leg, Leg::kLeft);
  EXPECT_DOUBLE_EQ(s.script_for(1).isometric.rise_s, 0.25);
  EXPECT_DOUBLE_EQ(s.script_for(1).isometric.hold_s, 3.0);  // mvic default
  EXPECT_DOUBLE_EQ(s.script_for(4).isometric.fraction, 0.7);
  EXPECT_DOUBLE_EQ(s.script_for(4).isometric.hold_s, 45.0);  // hold default
  EXPECT_DOUBLE_EQ(s.script_for(4).isometric.drift_per_s, -0.005);
  EXPECT_EQ(s.script_for(5).endurance.fade_reps, 5);
  EXPECT_EQ(s.script_for(6).raise, Raise::kOtherLeg);
  EXPECT_EQ(*s.script_for(6).max_reps, 15);
  EXPECT_EQ(s.script_for(7).action, SetAction::kReps);  // unscripted: tempo reps, both legs
  EXPECT_EQ(s.script_for(7).leg, Leg::kBoth);
}

TEST(SetScriptGood, TempoFatigueThenOverridesShapeEachRep) {
  const Scenario s = parse_scenario(scripted().dump(), "s.json");
  EXPECT_DOUBLE_EQ(s.plan_for(5).tempo.eccentric_s, 3.5);
  EXPECT_DOUBLE_EQ(s.plan_for(6).tempo.eccentric_s, 3.1);
  EXPECT_DOUBLE_EQ(s.plan_for(10).tempo.eccentric_s, 1.5);
  EXPECT_NEAR(s.plan_for(10).range_fraction, 0.65, 1e-12);
  EXPECT_DOUBLE_EQ(s.plan_for(30).tempo.eccentric_s, 0.2);  // bounded below
  EXPECT_DOUBLE_EQ(s.plan_for(2).stall_s, 1.5);
  EXPECT_DOUBLE_EQ(s.plan_for(2).reverse_fraction, 0.1);
  EXPECT_DOUBLE_EQ(s.plan_for(3).stall_s, 0);
}

TEST(SetScriptGood, EveryRepoScenarioLoads) {
  int n = 0;
  for (const auto& f : std::filesystem::directory_iterator(TEMPOLOAD_SCENARIOS_DIR)) {
    if (f.path().extension() != ".json" || f.path().stem() == "dynamometer") continue;
    SCOPED_TRACE(f.path().string());
    const Scenario s = load_scenario_file(f.path());
    EXPECT_FALSE(s.description.empty()) << "each scenario says what it exercises";
    ++n;
  }
  EXPECT_GE(n, 14);
}

TEST(SetScriptBad, ErrorsNameTheField) {
  json j = scripted();
  j["sets"][0]["action"] = "jump";
  EXPECT_THAT(error_of(j), HasSubstr("s.json: sets[0].action: unknown action 'jump'"));
  j = scripted();
  j["sets"][1]["leg"] = "both";
  EXPECT_THAT(error_of(j), HasSubstr("sets[1].leg: action 'hold' is single-leg"));
  j = scripted();
  j["sets"][1]["set"] = 3;
  EXPECT_THAT(error_of(j), HasSubstr("sets[1].set: sets 3-3 overlap sets[0]"));
  j = scripted();
  j["sets"][0]["rise_s"] = 0.01;
  EXPECT_THAT(error_of(j), HasSubstr("sets[0].rise_s: must be in [0.05, 10]"));
  j = scripted();
  j["sets"][0]["drift_per_s"] = 0.01;  // a hold's key on an mvic set
  EXPECT_THAT(error_of(j), HasSubstr("sets[0].drift_per_s: unknown key"));
  j = scripted();
  j["athlete"]["right"].erase("mvic_n");
  EXPECT_THAT(error_of(j), HasSubstr("sets[1].action: 'hold' needs athlete.right.mvic_n"));
  j = scripted();
  j["athlete"]["left"].erase("endurance_reps");
  EXPECT_THAT(error_of(j),
              HasSubstr("sets[2].action: 'endurance' needs athlete.left.endurance_reps"));
  j = scripted();
  j["athlete"]["left"]["mvic_n"] = 900;
  EXPECT_THAT(
      error_of(j),
      HasSubstr("athlete.left.mvic_n: must exceed the standing weight on the plate (931 N)"));
  j = scripted();
  j["athlete"]["failure_model"] = "brzycki";
  EXPECT_THAT(error_of(j), HasSubstr("athlete.failure_model: unknown failure_model 'brzycki'"));
  j = scripted();
  j["sets"][3]["raise"] = "crane";
  EXPECT_THAT(error_of(j), HasSubstr("sets[3].raise: unknown raise 'crane'"));
  j = scripted();
  j["reps"][0].erase("stall_s");
  EXPECT_THAT(error_of(j), HasSubstr("reps[0].stall_s: missing"));
  j = scripted();
  j["tempo_fatigue"].erase("from_rep");
  EXPECT_THAT(error_of(j), HasSubstr("tempo_fatigue.from_rep: missing"));
}

}  // namespace
}  // namespace tempoload::sim
