// Register maps of kind "dynamometer": the shipped map, the kind's own signals and limits, and
// the errors a wrong map gets.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "drivers/register_map.hpp"

namespace tempoload::drivers {
namespace {

using json = nlohmann::json;
constexpr double kPi = 3.14159265358979323846;

json dynamometer_map() {
  return json::parse(R"({
    "model": "test-dyno", "kind": "dynamometer",
    "measurements": {"address": 0, "count": 8, "registers": [
      {"signal": "status", "address": 0, "type": "uint16"},
      {"signal": "angle", "address": 2, "type": "int32", "scale": 1e-6},
      {"signal": "angular_velocity", "address": 4, "type": "int32", "scale": 1e-6},
      {"signal": "torque", "address": 6, "type": "int32", "scale": 0.01}]},
    "commands": {"address": 100, "count": 16, "registers": [
      {"signal": "heartbeat", "address": 100, "type": "uint16"},
      {"signal": "mode", "address": 101, "type": "uint16"},
      {"signal": "side", "address": 102, "type": "uint16"},
      {"signal": "velocity_setpoint", "address": 104, "type": "int32", "scale": 1e-6},
      {"signal": "torque_setpoint", "address": 106, "type": "int32", "scale": 0.01},
      {"signal": "torque_limit", "address": 108, "type": "int32", "scale": 0.01},
      {"signal": "angle_setpoint", "address": 110, "type": "int32", "scale": 1e-6},
      {"signal": "rom_min", "address": 112, "type": "int32", "scale": 1e-6},
      {"signal": "rom_max", "address": 114, "type": "int32", "scale": 1e-6}]},
    "limits": {"max_torque_nm": 300, "max_speed_deg_s": 240, "angle_min_deg": -40,
               "angle_max_deg": 50, "watchdog_ms": 100}})");
}

std::string error_of(const json& j) {
  try {
    RegisterMap::parse(j.dump(), "dyno.json");
  } catch (const RegisterMapError& e) {
    return e.what();
  }
  return "";
}

TEST(DynamometerMap, ParsesKindAndLimitsInRadians) {
  const auto map = RegisterMap::parse(dynamometer_map().dump(), "dyno.json");
  EXPECT_EQ(map.kind(), MachineKind::kDynamometer);
  EXPECT_DOUBLE_EQ(map.limits().max_torque_nm, 300);
  EXPECT_NEAR(map.limits().max_speed_radps, 240 * kPi / 180, 1e-12);
  EXPECT_NEAR(map.limits().angle_min_rad, -40 * kPi / 180, 1e-12);
  EXPECT_NEAR(map.limits().angle_max_rad, 50 * kPi / 180, 1e-12);
  EXPECT_DOUBLE_EQ(map.limits().max_force_n, 0);  // a calf-raise limit: not on this machine
}

TEST(DynamometerMap, ShippedMapLoadsAndEncodesSixtyDegreesPerSecond) {
  const auto map = RegisterMap::load_file(TEMPOLOAD_MAPS_DIR "/dynamometer_v1.json");
  EXPECT_EQ(map.model(), "tempoload-ankle-dynamometer");
  EXPECT_EQ(map.kind(), MachineKind::kDynamometer);
  std::vector<std::uint16_t> cmd(map.commands().count, 0);
  ASSERT_TRUE(map.encode(Signal::kVelocitySetpoint, 60 * kPi / 180, cmd.data()));
  // 1.047198 rad/s = 1047198 urad/s = 0x000FFA9E, high word first at register 104.
  EXPECT_EQ(cmd[104 - 100], 0x000F);
  EXPECT_EQ(cmd[105 - 100], 0xFA9E);
}

TEST(DynamometerMap, ShippedCalfRaiseMapIsStillCalfRaiseKind) {
  const auto map = RegisterMap::load_file(TEMPOLOAD_MAPS_DIR "/calf_raise_v1.json");
  EXPECT_EQ(map.kind(), MachineKind::kCalfRaise);
}

TEST(DynamometerMapBad, CalfRaiseSignalIsRefusedInADynamometerMap) {
  auto j = dynamometer_map();
  j["measurements"]["registers"][1]["signal"] = "position";
  EXPECT_EQ(error_of(j),
            "dyno.json: measurements.registers[1] (position): signal 'position' is not used by a "
            "dynamometer map");
}

TEST(DynamometerMapBad, DynamometerSignalIsRefusedInACalfRaiseMap) {
  auto j = dynamometer_map();
  j.erase("kind");
  EXPECT_NE(error_of(j).find("signal 'angle' is not used by a calf_raise map"), std::string::npos)
      << error_of(j);
}

TEST(DynamometerMapBad, MissingRequiredDynamometerSignal) {
  auto j = dynamometer_map();
  j["commands"]["registers"].erase(8);  // rom_max
  EXPECT_EQ(error_of(j), "dyno.json: required signal 'rom_max' is missing from commands");
}

TEST(DynamometerMapBad, UnknownKindAndCalfRaiseLimits) {
  auto j = dynamometer_map();
  j["kind"] = "rowing";
  EXPECT_EQ(error_of(j),
            "dyno.json: kind: unknown kind 'rowing' (expected calf_raise or dynamometer)");
  j = dynamometer_map();
  j["limits"]["max_force_n"] = 3000;
  EXPECT_EQ(error_of(j), "dyno.json: limits: unknown key 'max_force_n'");
  j = dynamometer_map();
  j["limits"]["angle_max_deg"] = -35;
  EXPECT_NE(error_of(j).find("limits.angle_max_deg: the range"), std::string::npos) << error_of(j);
}

}  // namespace
}  // namespace tempoload::drivers
