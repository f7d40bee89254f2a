#include "sim/scenario.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sim_test_support.hpp"

namespace tempoload::sim {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

json good_scenario() {
  return json::parse(R"({
    "name": "t", "description": "test",
    "athlete": {"body_mass_kg": 75, "one_rm_load_n": 2000, "left_share": 0.46,
                "fatigue_per_rep": 0.01},
    "tempo": {"concentric_s": 3.0, "top_pause_s": 0.5, "eccentric_s": 3.5, "bottom_pause_s": 1.0},
    "range_fraction": 0.9, "start_delay_s": 1.0, "max_reps": 12,
    "reps": [{"rep": 3, "eccentric_s": 1.6, "note": "drops the heel too fast"}],
    "events": [{"at_s": 12.0, "event": "estop"}],
    "noise": {"force_sd_n": 4.0, "seed": 42}})");
}

// Parses `j` as "default.json" and returns the error message, or "" when it parsed.
std::string error_of(const json& j) {
  try {
    parse_scenario(j.dump(), "default.json");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

TEST(ScenarioGood, ParsesEveryField) {
  const Scenario s = parse_scenario(good_scenario().dump(), "default.json");
  EXPECT_EQ(s.name, "t");
  EXPECT_DOUBLE_EQ(s.body_mass_kg, 75);
  EXPECT_DOUBLE_EQ(s.one_rm_load_n, 2000);
  EXPECT_DOUBLE_EQ(s.left_share, 0.46);
  EXPECT_DOUBLE_EQ(s.fatigue_per_rep, 0.01);
  EXPECT_DOUBLE_EQ(s.tempo.eccentric_s, 3.5);
  EXPECT_DOUBLE_EQ(s.range_fraction, 0.9);
  EXPECT_EQ(s.max_reps, 12);
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].kind, EventKind::kEstop);
  EXPECT_DOUBLE_EQ(s.events[0].at_s, 12.0);
  EXPECT_DOUBLE_EQ(s.force_sd_n, 4.0);
  EXPECT_EQ(s.seed, 42u);
}

TEST(ScenarioGood, PlanAppliesPerRepOverrides) {
  const Scenario s = parse_scenario(good_scenario().dump(), "default.json");
  EXPECT_DOUBLE_EQ(s.plan_for(3).tempo.eccentric_s, 1.6);
  EXPECT_EQ(s.plan_for(3).note, "drops the heel too fast");
  EXPECT_DOUBLE_EQ(s.plan_for(3).tempo.concentric_s, 3.0);
  EXPECT_DOUBLE_EQ(s.plan_for(2).tempo.eccentric_s, 3.5);
  EXPECT_DOUBLE_EQ(s.plan_for(2).range_fraction, 0.9);
}

TEST(ScenarioGood, OptionalSectionsTakeDefaults) {
  json j = good_scenario();
  for (const char* key :
       {"description", "range_fraction", "start_delay_s", "max_reps", "reps", "events", "noise"})
    j.erase(key);
  const Scenario s = parse_scenario(j.dump(), "x.json");
  EXPECT_TRUE(s.reps.empty());
  EXPECT_TRUE(s.events.empty());
  EXPECT_DOUBLE_EQ(s.force_sd_n, 0);
}

TEST(ScenarioGood, RepoScenariosLoad) {
  const Scenario d = testing::repo_scenario("default");
  EXPECT_DOUBLE_EQ(d.left_share, 0.46);
  EXPECT_DOUBLE_EQ(d.plan_for(3).tempo.eccentric_s, 1.6);
  EXPECT_DOUBLE_EQ(testing::repo_scenario("partial_rep").plan_for(2).range_fraction, 0.4);
  const Scenario e = testing::repo_scenario("estop");
  ASSERT_EQ(e.events.size(), 1u);
  EXPECT_DOUBLE_EQ(e.events[0].at_s, 10.0);
}

TEST(ScenarioBad, OutOfRangeNamesFileAndField) {
  json j = good_scenario();
  j["athlete"]["left_share"] = 1.5;
  EXPECT_EQ(error_of(j), "default.json: athlete.left_share: must be in (0, 1), got 1.5");
}

TEST(ScenarioBad, UnknownKeysRefused) {
  json j = good_scenario();
  j["athlete"]["height_m"] = 1.8;
  EXPECT_THAT(error_of(j), HasSubstr("default.json: athlete.height_m: unknown key"));
  j = good_scenario();
  j["tempo_s"] = 1;
  EXPECT_THAT(error_of(j), HasSubstr("tempo_s: unknown key"));
  j = good_scenario();
  j["reps"][0]["eccentric"] = 1;
  EXPECT_THAT(error_of(j), HasSubstr("reps[0].eccentric: unknown key"));
}

TEST(ScenarioBad, MissingAndMistypedFields) {
  json j = good_scenario();
  j["tempo"].erase("eccentric_s");
  EXPECT_EQ(error_of(j), "default.json: tempo.eccentric_s: missing");
  j = good_scenario();
  j.erase("athlete");
  EXPECT_EQ(error_of(j), "default.json: athlete: missing");
  j = good_scenario();
  j["max_reps"] = 2.5;
  EXPECT_THAT(error_of(j), HasSubstr("max_reps: must be an integer"));
  j = good_scenario();
  j["name"] = 3;
  EXPECT_THAT(error_of(j), HasSubstr("name: must be a string"));
  j = good_scenario();
  j["tempo"]["concentric_s"] = 0;
  EXPECT_THAT(error_of(j), HasSubstr("tempo.concentric_s: must be in (0, 60)"));
}

TEST(ScenarioBad, RepsAndEvents) {
  json j = good_scenario();
  j["reps"].push_back({{"rep", 3}, {"concentric_s", 2.0}});
  EXPECT_THAT(error_of(j), HasSubstr("reps[1].rep: rep 3 twice"));
  j = good_scenario();
  j["reps"][0]["range_fraction"] = 0;
  EXPECT_THAT(error_of(j), HasSubstr("reps[0].range_fraction"));
  j = good_scenario();
  j["events"][0]["event"] = "fire";
  EXPECT_THAT(error_of(j), HasSubstr("events[0].event: unknown event 'fire'"));
  j = good_scenario();
  j["events"] = json::object();
  EXPECT_THAT(error_of(j), HasSubstr("events: must be an array"));
}

TEST(ScenarioBad, NotJsonOrMissingFile) {
  try {
    parse_scenario("{", "broken.json");
    FAIL() << "parsed";
  } catch (const ScenarioError& e) {
    EXPECT_THAT(e.what(), HasSubstr("broken.json: not valid JSON"));
  }
  EXPECT_THROW(load_scenario_file("/nonexistent/x.json"), ScenarioError);
}

}  // namespace
}  // namespace tempoload::sim
