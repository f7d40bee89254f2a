// The tempoload-sim binary: the listening line, exit codes, error messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <modbus.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <string>

namespace {

using ::testing::HasSubstr;

const std::string kBinary = TEMPOLOAD_SIM_BINARY;
const std::string kMap = std::string(TEMPOLOAD_MAPS_DIR) + "/calf_raise_v1.json";
const std::string kScenario = std::string(TEMPOLOAD_SCENARIOS_DIR) + "/default.json";

struct Result {
  int exit_code = -1;
  std::string output;
};

// Runs a shell command, returns its exit code and combined output.
Result run(const std::string& command) {
  Result r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) r.output += buf;
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(SimCli, BadScenarioExitsTwoNamingTheField) {
  const std::string path = ::testing::TempDir() + "/bad_scenario.json";
  std::ifstream in(kScenario);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text.replace(text.find("\"left_share\": 0.46"), 18, "\"left_share\": 1.5");
  std::ofstream(path) << text;
  const Result r = run(kBinary + " --map " + kMap + " --scenario " + path + " --port 0");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("bad_scenario.json: athlete.left_share: must be in (0, 1)"));
}

TEST(SimCli, BadMapOrMissingOptionExitsTwo) {
  EXPECT_EQ(run(kBinary + " --map /nonexistent.json --scenario " + kScenario).exit_code, 2);
  EXPECT_EQ(run(kBinary + " --scenario " + kScenario).exit_code, 2);
}

TEST(SimCli, PrintsOneListeningLineAndServes) {
  FILE* p = popen(
      (kBinary + " --map " + kMap + " --scenario " + kScenario + " --port 0 --quiet --duration-s 1")
          .c_str(),
      "r");
  ASSERT_NE(p, nullptr);
  char line[256] = {};
  ASSERT_NE(std::fgets(line, sizeof line, p), nullptr);
  std::smatch m;
  const std::string s = line;
  ASSERT_TRUE(
      std::regex_match(s, m, std::regex(R"(tempoload-sim listening on 127\.0\.0\.1:(\d+)\n)")))
      << s;
  modbus_t* ctx = modbus_new_tcp("127.0.0.1", std::stoi(m[1]));
  ASSERT_EQ(modbus_connect(ctx), 0);
  std::uint16_t regs[16];
  EXPECT_EQ(modbus_read_registers(ctx, 0, 16, regs), 16);
  modbus_close(ctx);
  modbus_free(ctx);
  EXPECT_EQ(std::fgets(line, sizeof line, p), nullptr);  // nothing more on stdout
  EXPECT_EQ(WEXITSTATUS(pclose(p)), 0);
}

}  // namespace
