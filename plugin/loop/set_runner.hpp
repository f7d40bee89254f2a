// The control loop's handler: runs one set at a time, through protocols::SetProtocol on a
// calf-raise machine or a DynamometerProgram on a dynamometer, and keeps the machine safe
// (machine limits, e-stop, device watchdog, drive fault, comms loss, range of motion).
// on_cycle() runs on the loop thread; post() and the getters are for the other threads.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <variant>

#include "drivers/register_map.hpp"
#include "plugin/loop/calibration.hpp"
#include "plugin/loop/control_loop.hpp"
#include "plugin/loop/dynamometer_program.hpp"
#include "plugin/loop/loop_messages.hpp"
#include "plugin/loop/spsc_queue.hpp"
#include "protocols/heel_rise_session.hpp"
#include "protocols/isometric_hold.hpp"
#include "protocols/mvic_test.hpp"
#include "protocols/rm_test_session.hpp"
#include "protocols/session_protocol.hpp"

namespace tempoload::plugin {

struct RunnerOptions {
  double max_force_n = 0;              // the machine's limit (register map) [N]
  int tick_every_cycles = 10;          // one kTick event per this many cycles
  int max_comms_errors_in_set = 20;    // consecutive failed exchanges during a set -> kComms fault
  int reset_cycles = 20;               // cycles of the fault-reset pulse when a set starts
  int ready_timeout_cycles = 500;      // the machine must report ready this soon after the reset
  DynamometerLimits dynamometer;       // the machine's limits when it is a dynamometer
  Calibration* calibration = nullptr;  // load-cell offsets and range limits; null = none
};

class SetRunner final : public CycleHandler {
 public:
  using EventQueue = SpscQueue<LoopEvent, 1024>;  // reps, faults, set ends: never dropped in
                                                  // practice (a few per minute)
  using TickQueue = SpscQueue<LoopEvent, 4096>;   // display ticks: a slow reader loses some

  // `dynamometer`: where dynamometer sessions send their events; without it they are refused.
  SetRunner(RunnerOptions options, EventQueue& events, TickQueue& ticks,
            DynamometerQueues* dynamometer = nullptr);

  // Any thread: queue a start or stop for the loop. False when the request queue is full.
  bool post(const ControlRequest& request);

  // Any thread: the latest machine state the loop saw.
  std::uint32_t last_status() const { return last_status_.load(std::memory_order_relaxed); }
  bool machine_responding() const { return responding_.load(std::memory_order_relaxed); }
  bool set_active() const { return active_.load(std::memory_order_relaxed); }

  // Loop thread.
  drivers::Command on_cycle(const drivers::Sample& sample, drivers::CycleResult read,
                            std::int64_t now_ns) override;
  void on_overrun_fault() override;
  bool idle() const override { return !set_active(); }

 private:
  enum class Stage { kIdle, kResetting, kRunning };

  void handle_requests(std::int64_t now_ns);
  void fail(FaultCode code, const drivers::Sample& sample);
  FaultCode check_machine(const drivers::Sample& sample) const;
  void emit(LoopEventKind kind, const drivers::Sample& sample, double load_n,
            FaultCode fault = FaultCode::kNone);
  drivers::Command command_for(const protocols::LoadCommand& load) const;
  drivers::Command command_for(const protocols::HoldCommand& hold) const;
  void start_calf(const ControlRequest& req);
  void describe(LoopEvent& e, const drivers::Sample& s) const;
  // One cycle of each calf-raise protocol: emits its events, returns the command.
  drivers::Command step(protocols::SessionProtocol& p, const protocols::MotionSample& ms,
                        const drivers::Sample& s, bool tick);
  drivers::Command step(protocols::IsometricHoldProtocol& p, const protocols::MotionSample& ms,
                        const drivers::Sample& s, bool tick);
  drivers::Command step(protocols::MvicTest& p, const protocols::MotionSample& ms,
                        const drivers::Sample& s, bool tick);
  drivers::Command step(protocols::RmTestSession& p, const protocols::MotionSample& ms,
                        const drivers::Sample& s, bool tick);
  drivers::Command step(protocols::HeelRiseSession& p, const protocols::MotionSample& ms,
                        const drivers::Sample& s, bool tick);
  void end_session(const drivers::Sample& s);

  RunnerOptions options_;
  EventQueue& events_;
  TickQueue& ticks_;
  std::mutex post_mutex_;  // serialises producers; the loop never takes it
  SpscQueue<ControlRequest, 16> requests_;

  Stage stage_ = Stage::kIdle;
  DynamometerQueues* dynamometer_ = nullptr;
  // What runs the session: constructed in place when a start request arrives.
  std::variant<std::monostate, protocols::SessionProtocol, protocols::IsometricHoldProtocol,
               protocols::MvicTest, protocols::RmTestSession, protocols::HeelRiseSession,
               DynamometerProgram>
      program_;
  // Why a protocol without its own end reasons (holds, MVIC, heel rise) ended early.
  protocols::EndReason stop_reason_ = protocols::EndReason::kNone;
  std::uint32_t set_id_ = 0;
  std::int64_t set_start_ns_ = 0;
  std::int64_t pause_start_ns_ = 0;  // the latest PauseSet, machine time [ns]
  int stage_cycles_ = 0;
  int comms_errors_in_row_ = 0;
  std::uint64_t cycle_ = 0;
  drivers::Command last_command_;
  std::atomic<bool> overrun_{false};

  std::atomic<std::uint32_t> last_status_{0};
  std::atomic<bool> responding_{false};
  std::atomic<bool> active_{false};
};

}  // namespace tempoload::plugin
