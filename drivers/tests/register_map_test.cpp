#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "drivers/register_map.hpp"

namespace tempoload::drivers {
namespace {

using json = nlohmann::json;

json good_map() {
  return json::parse(R"({
    "model": "test-machine", "version": "1", "unit_id": 3,
    "measurements": {"address": 0, "count": 10, "registers": [
      {"signal": "status", "address": 0, "type": "uint16"},
      {"signal": "force_left", "address": 2, "type": "int32", "scale": 0.01, "unit": "N"},
      {"signal": "force_right", "address": 4, "type": "int32", "scale": 0.01, "unit": "N"},
      {"signal": "position", "address": 6, "type": "int32", "scale": 1e-6},
      {"signal": "velocity", "address": 8, "type": "int32", "scale": 1e-6}]},
    "commands": {"address": 100, "count": 4, "registers": [
      {"signal": "heartbeat", "address": 100, "type": "uint16"},
      {"signal": "mode", "address": 101, "type": "uint16"},
      {"signal": "force_setpoint", "address": 102, "type": "int32", "scale": 0.01}]},
    "limits": {"max_force_n": 2000, "travel_m": 0.1, "watchdog_ms": 100}})");
}

// Parses `j` and returns the error message, or "" when it parsed.
std::string error_of(const json& j) {
  try {
    RegisterMap::parse(j.dump(), "test.json");
  } catch (const RegisterMapError& e) {
    return e.what();
  }
  return "";
}

TEST(RegisterMapGood, ParsesBlocksEntriesAndLimits) {
  auto map = RegisterMap::parse(good_map().dump(), "test.json");
  EXPECT_EQ(map.model(), "test-machine");
  EXPECT_EQ(map.unit_id(), 3);
  EXPECT_EQ(map.measurements().address, 0);
  EXPECT_EQ(map.measurements().count, 10);
  EXPECT_EQ(map.commands().address, 100);
  EXPECT_DOUBLE_EQ(map.limits().watchdog_s, 0.1);
  ASSERT_NE(map.find(Signal::kForceRight), nullptr);
  EXPECT_EQ(map.find(Signal::kForceRight)->address, 4);
  EXPECT_EQ(map.find(Signal::kMotorForce), nullptr);  // optional and absent
}

TEST(RegisterMapGood, EncodeDecodeThroughBlocks) {
  auto map = RegisterMap::parse(good_map().dump(), "test.json");
  std::vector<std::uint16_t> meas(map.measurements().count, 0);
  ASSERT_TRUE(map.encode(Signal::kForceRight, 812.34, meas.data()));
  EXPECT_NEAR(map.decode(Signal::kForceRight, meas.data()), 812.34, 1e-9);
  EXPECT_DOUBLE_EQ(map.decode(Signal::kMotorForce, meas.data(), -1.0), -1.0);  // fallback
  std::vector<std::uint16_t> cmd(map.commands().count, 0);
  ASSERT_TRUE(map.encode(Signal::kMode, 2, cmd.data()));
  EXPECT_EQ(cmd[1], 2);
}

TEST(RegisterMapGood, CopiedMapStillFindsEntries) {
  auto original = RegisterMap::parse(good_map().dump(), "test.json");
  RegisterMap copy = original;
  EXPECT_EQ(copy.find(Signal::kPosition)->address, 6);
}

TEST(RegisterMapGood, ShippedCalfRaiseMapLoads) {
  auto map = RegisterMap::load_file(TEMPOLOAD_MAPS_DIR "/calf_raise_v1.json");
  EXPECT_EQ(map.model(), "tempoload-calf-raise");
  EXPECT_NE(map.find(Signal::kMotorForce), nullptr);
  EXPECT_NE(map.find(Signal::kVelocityLimit), nullptr);
}

TEST(RegisterMapGood, ShippedCalfRaiseMapAppendsPositionSetpointAfterTheOldCommands) {
  auto map = RegisterMap::load_file(TEMPOLOAD_MAPS_DIR "/calf_raise_v1.json");
  // Earlier command addresses are unchanged; the block grew from 100-107 to 100-109.
  EXPECT_EQ(map.commands().address, 100);
  EXPECT_EQ(map.commands().count, 10);
  EXPECT_EQ(map.find(Signal::kControl)->address, 106);
  const RegisterEntry* e = map.find(Signal::kPositionSetpoint);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->address, 108);
  std::vector<std::uint16_t> cmd(map.commands().count, 0);
  ASSERT_TRUE(map.encode(Signal::kPositionSetpoint, 0.045, cmd.data()));
  EXPECT_EQ(cmd[108 - 100], 0x0000);  // 45000 um = 0x0000AFC8, high word first
  EXPECT_EQ(cmd[109 - 100], 0xAFC8);
  EXPECT_NEAR(map.decode(Signal::kPositionSetpoint, cmd.data()), 0.045, 1e-9);
}

TEST(RegisterMapBad, PositionSetpointIsRefusedInAMeasurementBlock) {
  auto j = good_map();
  j["measurements"]["registers"][0]["signal"] = "position_setpoint";
  EXPECT_NE(error_of(j).find("(position_setpoint): is a command signal"), std::string::npos)
      << error_of(j);
}

TEST(RegisterMapBad, NotJsonNamesTheFile) {
  try {
    RegisterMap::parse("{ not json", "broken.json");
    FAIL() << "expected an error";
  } catch (const RegisterMapError& e) {
    EXPECT_NE(std::string(e.what()).find("broken.json: not valid JSON"), std::string::npos);
  }
}

TEST(RegisterMapBad, UnknownSignalNamesTheEntry) {
  auto j = good_map();
  j["measurements"]["registers"][1]["signal"] = "force_lft";
  EXPECT_EQ(error_of(j),
            "test.json: measurements.registers[1] (force_lft): unknown signal 'force_lft'");
}

TEST(RegisterMapBad, OverlappingRegistersNameBothEntries) {
  auto j = good_map();
  j["measurements"]["registers"][2]["address"] = 3;  // force_right over force_left's low word
  EXPECT_EQ(error_of(j),
            "test.json: measurements.registers[2] (force_right): register 3 is already used by "
            "'force_left'");
}

TEST(RegisterMapBad, EntryOutsideItsBlock) {
  auto j = good_map();
  j["measurements"]["registers"][4]["address"] = 9;  // int32 at 9 needs register 10
  EXPECT_NE(error_of(j).find("measurements.registers[4] (velocity): address 9 (width 2) lies "
                             "outside the block [0, 9]"),
            std::string::npos)
      << error_of(j);
}

TEST(RegisterMapBad, UnknownTypeAndZeroScale) {
  auto j = good_map();
  j["commands"]["registers"][2]["type"] = "int64";
  EXPECT_NE(error_of(j).find("commands.registers[2] (force_setpoint).type: unknown type 'int64'"),
            std::string::npos)
      << error_of(j);
  j = good_map();
  j["commands"]["registers"][2]["scale"] = 0;
  EXPECT_NE(error_of(j).find("commands.registers[2] (force_setpoint).scale: must not be zero"),
            std::string::npos)
      << error_of(j);
}

TEST(RegisterMapBad, CommandSignalInMeasurementsBlock) {
  auto j = good_map();
  j["measurements"]["registers"][0]["signal"] = "heartbeat";
  EXPECT_NE(error_of(j).find("(heartbeat): is a command signal and cannot be in measurements"),
            std::string::npos)
      << error_of(j);
}

TEST(RegisterMapBad, MissingRequiredSignal) {
  auto j = good_map();
  j["commands"]["registers"].erase(0);  // heartbeat
  EXPECT_EQ(error_of(j), "test.json: required signal 'heartbeat' is missing from commands");
}

TEST(RegisterMapBad, DuplicateSignal) {
  auto j = good_map();
  j["measurements"]["registers"][4]["signal"] = "position";
  EXPECT_NE(error_of(j).find("signal 'position' appears twice"), std::string::npos) << error_of(j);
}

TEST(RegisterMapBad, BlockTooLargeForOneTransaction) {
  auto j = good_map();
  j["measurements"]["count"] = 126;
  EXPECT_EQ(error_of(j), "test.json: measurements.count: must be in [1, 125], got 126");
}

TEST(RegisterMapBad, OverlappingBlocks) {
  auto j = good_map();
  j["commands"]["address"] = 8;
  for (auto& r : j["commands"]["registers"]) r["address"] = r["address"].get<int>() - 92;
  EXPECT_EQ(error_of(j), "test.json: measurements block and commands block overlap");
}

TEST(RegisterMapBad, TypoInKeyIsRefused) {
  auto j = good_map();
  j["limits"]["watchdog"] = 100;
  EXPECT_EQ(error_of(j), "test.json: limits: unknown key 'watchdog'");
}

TEST(RegisterMapBad, WatchdogOutOfRange) {
  auto j = good_map();
  j["limits"]["watchdog_ms"] = 5;
  EXPECT_EQ(error_of(j), "test.json: limits.watchdog_ms: must be in [10, 10000], got 5");
}

TEST(RegisterMapBad, MissingFileNamesThePath) {
  try {
    RegisterMap::load_file("/nonexistent/map.json");
    FAIL() << "expected an error";
  } catch (const RegisterMapError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/map.json: cannot open register map");
  }
}

}  // namespace
}  // namespace tempoload::drivers
