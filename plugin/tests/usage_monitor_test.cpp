// The usage monitor on a real store and a SetRunner fed samples as the loop would: a fault
// stays active while the machine reports it, ends when the machine is ready again (so it gets a
// duration), and a finished usage period is queued for the gym server.
#include "plugin/usage/usage_monitor.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "plugin/session/wall_clock.hpp"
#include "sim/gym/tests/test_support.hpp"

namespace tempoload::plugin {
namespace {

using drivers::StatusBit;
using Clock = std::chrono::steady_clock;

bool wait_until(const std::function<bool()>& done) {
  for (auto until = Clock::now() + std::chrono::seconds(10); Clock::now() < until;) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

std::uint32_t bit(StatusBit b) { return 1u << static_cast<unsigned>(b); }

class UsageMonitorTest : public ::testing::Test {
 protected:
  // One loop cycle with this status word, idle (no set).
  void machine_reports(std::uint32_t status) {
    drivers::Sample s;
    s.status = status;
    runner_.on_cycle(s, drivers::CycleResult::kOk, 0);
  }
  std::int64_t cleared_at() {
    return store_.with_db([](Database& d) {
      auto s = d.prepare("SELECT COALESCE(cleared_at_unix_ms, 0) FROM faults");
      s.step();
      return s.int64(0);
    });
  }

  tempoload::gym::testing::TempDir dir_;
  SessionStore store_{dir_.file("plugin.db")};
  SetRunner::EventQueue events_;
  SetRunner::TickQueue ticks_;
  SetRunner runner_{RunnerOptions{}, events_, ticks_};
};

TEST_F(UsageMonitorTest, FaultEndsWhenTheMachineIsReadyAgain) {
  machine_reports(bit(StatusBit::kEstop));
  const auto raised = unix_ms();
  store_.add_fault("", "estop", "e-stop pressed", raised);
  std::atomic<int> queued{0};
  UsageMonitor monitor(store_, runner_, UsageMonitorOptions{"calf-1", "calf", 86'400'000, 10},
                       [&] { ++queued; });
  monitor.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // 10 polls of a latched e-stop
  EXPECT_TRUE(store_.has_active_faults()) << "still pressed: still active";

  machine_reports(bit(StatusBit::kReady));  // released and reset
  ASSERT_TRUE(wait_until([&] { return !store_.has_active_faults(); }));
  monitor.stop();
  EXPECT_GE(cleared_at(), raised + 100) << "the fault lasted while the machine reported it";
  EXPECT_EQ(queued, 0) << "today is not over: no usage report yet";
}

TEST_F(UsageMonitorTest, QueuesTheReportOfAPeriodThatIsOver) {
  SessionStart s;
  s.session_id = "s1";
  s.athlete_id = "anna";
  s.machine_id = "calf-1";
  s.machine_model = "calf";
  s.started_at_unix_ms = unix_ms() - 3 * 86'400'000;  // three days ago
  store_.begin_session(s);
  store_.finish_session("s1", {}, s.started_at_unix_ms + 60'000);
  std::atomic<int> queued{0};
  UsageMonitor monitor(store_, runner_, UsageMonitorOptions{"calf-1", "calf", 86'400'000, 10},
                       [&] { ++queued; });
  monitor.start();
  ASSERT_TRUE(wait_until([&] { return queued > 0; }));
  monitor.stop();
  EXPECT_EQ(store_.outbox_status().pending, 2) << "the session report and its day's usage";
}

}  // namespace
}  // namespace tempoload::plugin
