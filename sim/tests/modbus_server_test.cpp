// The real server on an ephemeral loopback port, driven by libmodbus clients.
#include "sim/modbus_server.hpp"

#include <gtest/gtest.h>
#include <modbus.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <thread>

#include "sim/sim_control.hpp"
#include "sim_test_support.hpp"

namespace tempoload::sim {
namespace {

using drivers::Signal;
using drivers::StatusBit;

class ModbusServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::signal(SIGPIPE, SIG_IGN);
    const auto map = testing::repo_map();
    server_ = std::make_unique<ModbusServer>(
        map, CalfRaiseModel(map.limits(), testing::repo_scenario("default")), ServerOptions{0, {}});
    ASSERT_TRUE(server_->listen()) << server_->error();
    ASSERT_GT(server_->port(), 0);
    thread_ = std::thread([this] { server_->run(stop_); });
    ctx_ = connect_client();
    ASSERT_NE(ctx_, nullptr);
  }

  void TearDown() override {
    if (ctx_) close_client(ctx_);
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  modbus_t* connect_client(int unit_id = 1) {
    modbus_t* ctx = modbus_new_tcp("127.0.0.1", server_->port());
    modbus_set_slave(ctx, unit_id);
    modbus_set_response_timeout(ctx, 0, 200000);
    if (modbus_connect(ctx) != 0) {
      modbus_free(ctx);
      return nullptr;
    }
    return ctx;
  }
  static void close_client(modbus_t* ctx) {
    modbus_close(ctx);
    modbus_free(ctx);
  }

  // One plugin cycle: write the command block, read the measurement block (function 23).
  bool cycle(int mode, double force_n) {
    const auto& c = map_.commands();
    const auto& m = map_.measurements();
    std::vector<std::uint16_t> cmd(c.count, 0);
    map_.encode(Signal::kHeartbeat, ++heartbeat_, cmd.data());
    map_.encode(Signal::kMode, mode, cmd.data());
    map_.encode(Signal::kForceSetpoint, force_n, cmd.data());
    meas_.assign(m.count, 0);
    return modbus_write_and_read_registers(ctx_, c.address, c.count, cmd.data(), m.address, m.count,
                                           meas_.data()) == m.count;
  }
  double measured(Signal s) const { return map_.decode(s, meas_.data()); }
  bool status_has(StatusBit b) const {
    return static_cast<unsigned>(measured(Signal::kStatus)) & (1u << static_cast<unsigned>(b));
  }

  drivers::RegisterMap map_ = testing::repo_map();
  std::unique_ptr<ModbusServer> server_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  modbus_t* ctx_ = nullptr;
  std::uint16_t heartbeat_ = 0;
  std::vector<std::uint16_t> meas_;
};

TEST_F(ModbusServerTest, FunctionTwentyThreeCycleDecodesWithTheMap) {
  ASSERT_TRUE(cycle(0, 0)) << modbus_strerror(errno);
  EXPECT_TRUE(status_has(StatusBit::kReady));
  EXPECT_NEAR(measured(Signal::kPosition), 0, 1e-6);
  EXPECT_NEAR(measured(Signal::kForceLeft) + measured(Signal::kForceRight), 95 * 9.81, 30);
  const double seq0 = measured(Signal::kSequence), t0 = measured(Signal::kDeviceTime);
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(cycle(1, 1000)) << modbus_strerror(errno);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_GT(measured(Signal::kSequence), seq0 + 100);
  EXPECT_GT(measured(Signal::kDeviceTime), t0 + 0.1);
  EXPECT_NEAR(measured(Signal::kMotorForce), 1000, 1);
  EXPECT_TRUE(status_has(StatusBit::kReady));
  EXPECT_NEAR(measured(Signal::kForceLeft) / measured(Signal::kForceRight), 0.46 / 0.54, 0.02);
}

TEST_F(ModbusServerTest, OutOfRangeAndForbiddenRequestsGetExceptions) {
  std::uint16_t regs[4] = {};
  EXPECT_EQ(modbus_read_registers(ctx_, 300, 1, regs), -1);
  EXPECT_EQ(errno, EMBXILADD);
  EXPECT_EQ(modbus_write_register(ctx_, map_.measurements().address, 7), -1);  // measurements
  EXPECT_EQ(errno, EMBXILADD);
  EXPECT_EQ(modbus_write_register(ctx_, control::kWatchdogTrips, 7), -1);  // read-only
  EXPECT_EQ(errno, EMBXILADD);
  EXPECT_EQ(modbus_read_input_registers(ctx_, 0, 1, regs), -1);  // holding registers only
  EXPECT_EQ(errno, EMBXILADD);
  std::uint8_t bits[1];
  EXPECT_EQ(modbus_read_bits(ctx_, 0, 1, bits), -1);
  EXPECT_EQ(errno, EMBXILADD);
  // The connection survives every exception.
  EXPECT_TRUE(cycle(0, 0)) << modbus_strerror(errno);
}

TEST_F(ModbusServerTest, WrongUnitIdGetsGatewayException) {
  modbus_t* other = connect_client(7);
  ASSERT_NE(other, nullptr);
  std::uint16_t reg = 0;
  EXPECT_EQ(modbus_read_registers(other, 0, 1, &reg), -1);
  EXPECT_EQ(errno, EMBXGTAR);
  close_client(other);
}

TEST_F(ModbusServerTest, SimControlEstopAndClock) {
  std::uint16_t r[2] = {};
  ASSERT_EQ(modbus_read_registers(ctx_, control::kSimTimeMsHigh, 2, r), 2);
  const std::uint32_t ms0 = (std::uint32_t{r[0]} << 16) | r[1];
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(modbus_read_registers(ctx_, control::kSimTimeMsHigh, 2, r), 2);
  const std::uint32_t ms1 = (std::uint32_t{r[0]} << 16) | r[1];
  EXPECT_GE(ms1 - ms0, 45u);

  ASSERT_EQ(modbus_write_register(ctx_, control::kPressEstop, 1), 1);
  ASSERT_TRUE(cycle(1, 1000));
  EXPECT_TRUE(status_has(StatusBit::kEstop));
  EXPECT_FALSE(status_has(StatusBit::kReady));
  EXPECT_EQ(measured(Signal::kMotorForce), 0);
  ASSERT_EQ(modbus_read_registers(ctx_, control::kPressEstop, 1, r), 1);
  EXPECT_EQ(r[0], 0);  // momentary
}

TEST_F(ModbusServerTest, HangStopsAnsweringUntilCleared) {
  modbus_set_response_timeout(ctx_, 0, 50000);
  ASSERT_EQ(modbus_write_register(ctx_, control::kHang, 1), 1);
  std::uint16_t reg = 0;
  EXPECT_EQ(modbus_read_registers(ctx_, 0, 1, &reg), -1);
  EXPECT_EQ(errno, ETIMEDOUT);
  ASSERT_EQ(modbus_write_register(ctx_, control::kHang, 0), 1) << modbus_strerror(errno);
  EXPECT_TRUE(cycle(0, 0)) << modbus_strerror(errno);
}

TEST_F(ModbusServerTest, ServesSeveralClientsAtOnce) {
  modbus_t* poller = connect_client();
  ASSERT_NE(poller, nullptr);
  std::uint16_t regs[16] = {};
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(cycle(0, 0));
    ASSERT_EQ(modbus_read_registers(poller, 0, 16, regs), 16) << modbus_strerror(errno);
  }
  close_client(poller);
  EXPECT_TRUE(cycle(0, 0));
}

TEST_F(ModbusServerTest, MalformedFramesDropOnlyThatClient) {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(server_->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  // Function 23 announcing 255 bytes of data (more than an ADU holds), then a truncated frame.
  const std::uint8_t bad[] = {0, 1, 0, 0, 0, 20, 1, 0x17, 0, 0, 0, 16, 0, 100, 0, 8, 255, 1, 2};
  ASSERT_EQ(send(s, bad, sizeof bad, 0), static_cast<ssize_t>(sizeof bad));
  const std::uint8_t cut[] = {0, 2, 0, 0, 0, 6, 1, 0x03, 0};
  send(s, cut, sizeof cut, MSG_NOSIGNAL);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  close(s);
  EXPECT_TRUE(cycle(0, 0)) << modbus_strerror(errno);
}

}  // namespace
}  // namespace tempoload::sim
