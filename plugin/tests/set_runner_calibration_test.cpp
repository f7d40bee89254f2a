// The machine-wide calibration as the loop applies it: load-cell offsets subtracted from what
// the set sees (ticks, reps), raw readings kept for zeroing, idle or not. Synthetic cycles.
#include <gtest/gtest.h>

#include "plugin/loop/set_runner.hpp"

namespace tempoload::plugin {
namespace {

using drivers::CycleResult;
using drivers::Sample;
using drivers::StatusBit;

TEST(SetRunnerCalibration, OffsetsAreSubtractedFromWhatTheSetSeesAndRawIsKept) {
  Calibration calibration;
  calibration.set_force_offsets(20, -10);
  RunnerOptions o;
  o.max_force_n = 3000;
  o.calibration = &calibration;
  SetRunner::EventQueue events;
  SetRunner::TickQueue ticks;
  SetRunner runner(o, events, ticks);

  std::int64_t t = 0;
  auto cycle = [&] {
    t += 1'000'000;
    Sample s;
    s.t_ns = t;
    s.status = 1u << static_cast<unsigned>(StatusBit::kReady);
    s.force_left_n = 520;
    s.force_right_n = 490;
    runner.on_cycle(s, CycleResult::kOk, t);
  };
  cycle();  // idle: the raw readings are still recorded, for zeroing between sets
  EXPECT_DOUBLE_EQ(calibration.raw_force_left_n(), 520);
  EXPECT_DOUBLE_EQ(calibration.raw_force_right_n(), 490);

  ControlRequest start;
  start.kind = ControlKind::kStartSet;
  start.set_id = 1;
  start.plan.sets.push_back({});
  start.plan.sets[0].spec.reps = 6;
  start.plan.sets[0].spec.load_n = 1000;
  start.range = {0.0, 0.09};
  ASSERT_TRUE(runner.post(start));
  for (int i = 0; i < 200; ++i) cycle();
  LoopEvent tick;
  ASSERT_TRUE(ticks.pop(tick)) << "the running set sends display ticks";
  EXPECT_DOUBLE_EQ(tick.force_left_n, 500);
  EXPECT_DOUBLE_EQ(tick.force_right_n, 500);
}

}  // namespace
}  // namespace tempoload::plugin
