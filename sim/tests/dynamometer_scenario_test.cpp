// Dynamometer scenario files: the shipped demo athlete and errors that name the field.
#include "sim/dynamometer_scenario.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace tempoload::sim {
namespace {

using json = nlohmann::json;

json minimal() {
  return json::parse(R"({"name": "t", "machine": "dynamometer",
    "athlete": {"body_mass_kg": 70, "left": {"peak_torque_nm": 100},
                "right": {"peak_torque_nm": 120}}})");
}

std::string error_of(const json& j) {
  try {
    parse_dynamometer_scenario(j.dump(), "s.json");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

TEST(DynamometerScenario, ShippedDemoAthleteLoads) {
  const auto s = load_dynamometer_scenario_file(TEMPOLOAD_SCENARIOS_DIR "/dynamometer.json");
  EXPECT_EQ(s.legs[0].peak_torque_nm, 110);
  EXPECT_EQ(s.legs[1].peak_torque_nm, 135);
  EXPECT_DOUBLE_EQ(s.effort_fraction(0, 4), 0.9);
  EXPECT_DOUBLE_EQ(s.effort_fraction(1, 4), 1.0);
}

TEST(DynamometerScenario, DefaultsAndDegreesAreConverted) {
  const auto s = parse_dynamometer_scenario(minimal().dump(), "s.json");
  EXPECT_NEAR(s.max_velocity_radps, 800 * 3.14159265358979 / 180, 1e-9);
  EXPECT_DOUBLE_EQ(s.legs[0].fatigue_per_effort, 0);
}

TEST(DynamometerScenarioBad, ErrorsNameTheField) {
  auto j = minimal();
  j.erase("machine");
  EXPECT_NE(error_of(j).find("s.json: machine: missing"), std::string::npos) << error_of(j);
  j = minimal();
  j["machine"] = "calf_raise";
  EXPECT_EQ(error_of(j), "s.json: machine: 'calf_raise' scenario given with a dynamometer map");
  j = minimal();
  j["athlete"]["left"]["peak_torque_nm"] = -5;
  EXPECT_EQ(error_of(j), "s.json: athlete.left.peak_torque_nm: must be in (0, 1000), got -5");
  j = minimal();
  j["athlete"].erase("right");
  EXPECT_EQ(error_of(j), "s.json: athlete.right: missing");
  j = minimal();
  j["efforts"] = json::parse(R"([{"side": "middle", "effort": 1, "fraction": 0.5}])");
  EXPECT_EQ(error_of(j), "s.json: efforts[0].side: must be \"left\" or \"right\", got \"middle\"");
}

TEST(DynamometerScenarioBad, CalfRaiseParserNamesTheMachineMismatch) {
  auto j = minimal();
  try {
    parse_scenario(j.dump(), "s.json");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(), "s.json: machine: 'dynamometer' scenario given with a calf_raise map");
  }
}

}  // namespace
}  // namespace tempoload::sim
