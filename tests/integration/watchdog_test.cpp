// The device watchdog: kill the plugin (SIGKILL, no chance to unload) in the middle of a
// loaded set; the simulated machine must unload by itself within its watchdog time.
#include <gtest/gtest.h>
#include <modbus.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "drivers/register_map.hpp"
#include "tests/integration/stack.hpp"

namespace tempoload::testing {
namespace {

namespace td = tempoload::drivers;
using Clock = std::chrono::steady_clock;

// Reads the simulator's measurement block as a second Modbus client.
class MachineProbe {
 public:
  MachineProbe(int port) : map_(td::RegisterMap::load_file(TEMPOLOAD_MAP)) {
    ctx_ = modbus_new_tcp("127.0.0.1", port);
    modbus_set_slave(ctx_, map_.unit_id());
    modbus_set_response_timeout(ctx_, 0, 200000);
    connected_ = modbus_connect(ctx_) == 0;
    regs_.resize(map_.measurements().count);
  }
  ~MachineProbe() {
    modbus_close(ctx_);
    modbus_free(ctx_);
  }
  bool connected() const { return connected_; }
  bool read() {
    return modbus_read_registers(ctx_, map_.measurements().address, map_.measurements().count,
                                 regs_.data()) == map_.measurements().count;
  }
  double motor_force_n() const { return map_.decode(td::Signal::kMotorForce, regs_.data()); }
  bool watchdog_tripped() const {
    const auto status = static_cast<unsigned>(map_.decode(td::Signal::kStatus, regs_.data()));
    return status & (1u << static_cast<unsigned>(td::StatusBit::kWatchdogTripped));
  }
  double watchdog_s() const { return map_.limits().watchdog_s; }

 private:
  td::RegisterMap map_;
  modbus_t* ctx_;
  bool connected_ = false;
  std::vector<std::uint16_t> regs_;
};

TEST(DeviceWatchdog, MachineUnloadsWithinWatchdogTimeWhenThePluginIsKilledMidSet) {
  Stack stack;
  ASSERT_TRUE(stack.start_sim()) << stack.logs();
  ASSERT_TRUE(stack.start_plugin()) << stack.logs();
  auto stub = stack.session_stub();
  grpc::ClientContext ctx;
  tempoload::v1::StartSetResponse started;
  ASSERT_TRUE(stub->StartSet(&ctx, demo_request("athlete-wd"), &started).ok()) << stack.logs();

  MachineProbe probe(stack.sim_port());
  ASSERT_TRUE(probe.connected());
  // Wait (bounded) until the set is loaded and under way.
  bool loaded = false;
  for (auto until = Clock::now() + std::chrono::seconds(10); Clock::now() < until;) {
    if (probe.read() && probe.motor_force_n() > 1500) {
      loaded = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(loaded) << "the machine never took the load" << stack.logs();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // mid-rep

  stack.plugin().signal(SIGKILL);
  const auto killed = Clock::now();
  bool unloaded = false;
  double seen_force = -1;
  while (Clock::now() - killed < std::chrono::seconds(2)) {
    if (probe.read()) {
      seen_force = probe.motor_force_n();
      if (seen_force == 0 && probe.watchdog_tripped()) {
        unloaded = true;
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const double elapsed_s = std::chrono::duration<double>(Clock::now() - killed).count();
  ASSERT_TRUE(unloaded) << "motor force still " << seen_force << " N after 2 s" << stack.logs();
  // The watchdog counts from the last heartbeat, which is at most one cycle before the kill;
  // allow 30 ms for the probe's polling and scheduling on a loaded machine.
  EXPECT_LE(elapsed_s, probe.watchdog_s() + 0.03) << "unloaded after " << elapsed_s << " s";
  std::cout << "[ measure  ] unloaded " << elapsed_s * 1000 << " ms after SIGKILL (watchdog "
            << probe.watchdog_s() * 1000 << " ms)\n";
}

}  // namespace
}  // namespace tempoload::testing
