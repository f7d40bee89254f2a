// The scripted athlete inside the machine model, with synthetic time: when sets start and end,
// and whether the reps follow the scenario's tempo.
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/calf_raise_model.hpp"
#include "sim_test_support.hpp"

namespace tempoload::sim {
namespace {

using testing::PhaseRun;
using testing::PluginDriver;
using testing::runs_of;
using testing::TraceRow;

double duration_s(const PhaseRun& r) { return (r.last - r.first + 1) * CalfRaiseModel::kStepS; }

std::vector<SimEvent> of_kind(const std::vector<SimEvent>& events, SimEvent::Kind kind) {
  std::vector<SimEvent> out;
  std::copy_if(events.begin(), events.end(), std::back_inserter(out),
               [&](const SimEvent& e) { return e.kind == kind; });
  return out;
}

class AthleteTempoTest : public ::testing::Test {
 protected:
  void start(const Scenario& s) {
    model_ = std::make_unique<CalfRaiseModel>(testing::repo_map().limits(), s);
    plugin_ = std::make_unique<PluginDriver>(*model_);
  }
  void run_reps(int reps, double load_n = 1700) {
    plugin_->load(1, load_n);
    plugin_->run(15.0 * reps, [&] { return model_->athlete().reps_done() >= reps; });
  }
  const std::vector<TraceRow>& trace() const { return plugin_->trace; }

  std::unique_ptr<CalfRaiseModel> model_;
  std::unique_ptr<PluginDriver> plugin_;
};

TEST_F(AthleteTempoTest, StartsOnlyAfterTheLoadHasSettledForStartDelay) {
  start(testing::repo_scenario("default"));
  plugin_->run(2.0);  // unloaded: the athlete waits
  EXPECT_EQ(model_->athlete().phase(), AthletePhase::kWaiting);
  plugin_->load(1, 1700);
  plugin_->run(3.0);
  double loaded_80_s = -1, concentric_s = -1;
  for (const TraceRow& r : trace()) {
    if (loaded_80_s < 0 && r.motor_n >= 0.8 * 1700) loaded_80_s = r.t_s;
    if (concentric_s < 0 && r.phase == AthletePhase::kConcentric) concentric_s = r.t_s;
  }
  ASSERT_GT(loaded_80_s, 0);
  ASSERT_GT(concentric_s, 0);
  EXPECT_NEAR(concentric_s - loaded_80_s, 1.0, 0.002);  // start_delay_s
  const auto started = of_kind(plugin_->events, SimEvent::Kind::kSetStarted);
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0].set, 1);
  EXPECT_DOUBLE_EQ(started[0].load_n, 1700);
}

TEST_F(AthleteTempoTest, RepsFollowTheScriptedTempoIncludingTheFastRepThree) {
  start(testing::repo_scenario("default"));
  run_reps(4);
  ASSERT_EQ(model_->athlete().reps_done(), 4);
  const auto conc = runs_of(trace(), AthletePhase::kConcentric);
  const auto top = runs_of(trace(), AthletePhase::kTopPause);
  const auto ecc = runs_of(trace(), AthletePhase::kEccentric);
  const auto bottom = runs_of(trace(), AthletePhase::kBottomPause);
  ASSERT_EQ(ecc.size(), 4u);
  for (int rep = 1; rep <= 4; ++rep) {
    SCOPED_TRACE("rep " + std::to_string(rep));
    const std::size_t i = rep - 1;
    EXPECT_NEAR(duration_s(conc[i]), 3.0, 0.2);
    EXPECT_NEAR(duration_s(top[i]), 0.5, 0.2);
    EXPECT_NEAR(duration_s(ecc[i]), rep == 3 ? 1.6 : 3.5, 0.2);
    if (rep < 4) {  // the run stops right after rep 4
      EXPECT_NEAR(duration_s(bottom[i]), 1.0, 0.2);
    }
    // The platform really moved: top of the range at the eccentric's start, bottom at its end.
    EXPECT_NEAR(trace()[ecc[i].first].x_m, 0.09, 0.003);
    EXPECT_LT(trace()[ecc[i].last].x_m, 0.003);
    EXPECT_LT(trace()[conc[i].first].x_m, 0.003);
  }
  const auto done = of_kind(plugin_->events, SimEvent::Kind::kRepCompleted);
  ASSERT_EQ(done.size(), 4u);
  EXPECT_NEAR(done[2].eccentric_s, 1.6, 0.2);
  EXPECT_EQ(done[2].note, "drops the heel too fast");
  EXPECT_NEAR(done[0].range_m, 0.09, 0.003);
}

TEST_F(AthleteTempoTest, PartialRepScenarioShortensRepTwo) {
  start(testing::repo_scenario("partial_rep"));
  run_reps(3);
  const auto done = of_kind(plugin_->events, SimEvent::Kind::kRepCompleted);
  ASSERT_EQ(done.size(), 3u);
  EXPECT_NEAR(done[0].range_m, 0.09, 0.003);
  EXPECT_NEAR(done[1].range_m, 0.04, 0.003);
  EXPECT_NEAR(done[2].range_m, 0.09, 0.003);
}

TEST_F(AthleteTempoTest, StopsAtMaxRepsAndANewLoadingStartsANewSet) {
  Scenario s = testing::repo_scenario("default");
  s.max_reps = 2;
  start(s);
  run_reps(2);
  plugin_->run(10.0);
  EXPECT_EQ(model_->athlete().reps_done(), 2);
  EXPECT_EQ(model_->athlete().phase(), AthletePhase::kSetOver);
  EXPECT_LT(model_->measurements().position_m, 0.003);
  ASSERT_EQ(of_kind(plugin_->events, SimEvent::Kind::kSetEnded).size(), 1u);
  EXPECT_EQ(of_kind(plugin_->events, SimEvent::Kind::kSetEnded)[0].note, "max reps");

  plugin_->load(0, 0);  // unload, then load again: set 2, reps counted from 1
  plugin_->run(0.5);
  EXPECT_EQ(model_->athlete().phase(), AthletePhase::kWaiting);
  plugin_->load(1, 1700);
  plugin_->run(12.0, [&] { return model_->athlete().reps_done() == 1; });
  EXPECT_EQ(model_->athlete().set_number(), 2);
  EXPECT_EQ(model_->athlete().reps_done(), 1);
}

TEST_F(AthleteTempoTest, UnloadMidRepEndsTheSetWithAGentleDescent) {
  start(testing::repo_scenario("default"));
  plugin_->load(1, 1700);
  plugin_->run(10.0, [&] { return model_->measurements().position_m > 0.05; });
  ASSERT_EQ(model_->athlete().phase(), AthletePhase::kConcentric);
  plugin_->load(1, 200);  // below 20% of the set's load
  plugin_->run(0.001);
  EXPECT_EQ(model_->athlete().phase(), AthletePhase::kLowering);
  const std::size_t from = trace().size();
  plugin_->load(0, 0);
  plugin_->run(3.0);
  EXPECT_EQ(model_->athlete().phase(), AthletePhase::kWaiting);
  EXPECT_LT(model_->measurements().position_m, 0.001);
  double fastest = 0;
  for (std::size_t i = from; i < trace().size(); ++i)
    fastest = std::max(fastest, -trace()[i].v_mps);
  EXPECT_LT(fastest, 0.15);  // a 1 s minimum-jerk descent from ~6 cm peaks near 0.11 m/s
  EXPECT_EQ(of_kind(plugin_->events, SimEvent::Kind::kUnloaded).size(), 1u);
  EXPECT_EQ(model_->athlete().reps_done(), 0);
}

TEST_F(AthleteTempoTest, WatchdogTripEndsTheSet) {
  start(testing::repo_scenario("default"));
  plugin_->load(1, 1700);
  plugin_->run(3.0);
  plugin_->heartbeat_alive = false;
  plugin_->run(2.0);
  EXPECT_TRUE(model_->faulted());
  EXPECT_EQ(model_->athlete().phase(), AthletePhase::kWaiting);
  EXPECT_EQ(of_kind(plugin_->events, SimEvent::Kind::kUnloaded).size(), 1u);
}

TEST_F(AthleteTempoTest, TooHeavyALoadFailsTheRep) {
  start(testing::repo_scenario("default"));
  run_reps(1, 2100);  // above the athlete's one-rep max of 2000 N
  const auto failed = of_kind(plugin_->events, SimEvent::Kind::kRepFailed);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].rep, 1);
  EXPECT_EQ(model_->athlete().reps_done(), 0);
  EXPECT_EQ(model_->athlete().phase(), AthletePhase::kSetOver);
}

TEST_F(AthleteTempoTest, FatigueSlowsAndFinallyFailsAHeavySet) {
  start(testing::repo_scenario("default"));
  run_reps(12, 1800);
  // Capacity (2000 + M g)(1 - f n), f = the scenario's fatigue_per_rep (0.014), drops below
  // 1800 + M g after a few reps.
  const auto failed = of_kind(plugin_->events, SimEvent::Kind::kRepFailed);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_GE(model_->athlete().reps_done(), 3);
  EXPECT_LE(model_->athlete().reps_done(), 8);
}

}  // namespace
}  // namespace tempoload::sim
