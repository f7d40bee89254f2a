// decide_progression: every rule of the pain-monitoring model and the ACSM increments.
#include "protocols/progression.hpp"

#include <gtest/gtest.h>

namespace tempoload::protocols {
namespace {

ProgressionInput base() {
  ProgressionInput in;
  in.load_n = 1000;
  in.target_reps = 8;
  in.reps_done = 10;
  in.pain_during = 1;
  in.morning_pain_before = 2;
  in.morning_pain_after = 2;
  in.morning_pain_last_week = 3;
  return in;
}

TEST(Progression, PainAboveFiveReduces) {
  ProgressionInput in = base();
  in.pain_during = 6;
  const ProgressionDecision d = decide_progression(in);
  EXPECT_EQ(d.decision, Decision::kReduce);
  EXPECT_EQ(d.rule, 1);
  EXPECT_DOUBLE_EQ(d.next_load_n, 900.0);
  EXPECT_EQ(d.reason,
            "pain during exercise 6/10 is above the limit 5/10: reduce the load by 10.0%");
  in.pain_during = 5;  // 5/10 itself is acceptable
  EXPECT_NE(decide_progression(in).rule, 1);
}

TEST(Progression, NotSettledNextMorningReduces) {
  ProgressionInput in = base();
  in.morning_pain_after = 4;
  const ProgressionDecision d = decide_progression(in);
  EXPECT_EQ(d.decision, Decision::kReduce);
  EXPECT_EQ(d.rule, 2);
  EXPECT_EQ(d.reason,
            "pain had not settled by the next morning (4/10, was 2/10): reduce the load by 10.0%");
}

TEST(Progression, WeekOnWeekRiseReduces) {
  ProgressionInput in = base();
  in.morning_pain_before = 4;
  in.morning_pain_after = 4;
  const ProgressionDecision d = decide_progression(in);
  EXPECT_EQ(d.rule, 3);
  EXPECT_EQ(d.decision, Decision::kReduce);
  in.morning_pain_last_week = -1;  // not reported: the rule cannot fire
  EXPECT_EQ(decide_progression(in).decision, Decision::kProgress);
}

TEST(Progression, NoRepsAboveTargetRepeats) {
  ProgressionInput in = base();
  in.reps_done = 8;
  const ProgressionDecision d = decide_progression(in);
  EXPECT_EQ(d.decision, Decision::kRepeat);
  EXPECT_EQ(d.rule, 5);
  EXPECT_DOUBLE_EQ(d.next_load_n, 1000.0);
  EXPECT_EQ(d.reason, "8 reps for a target of 8 (0 above, progress needs 1): repeat the load");
}

TEST(Progression, IncrementFromRepsAboveTarget) {
  ProgressionInput in = base();
  in.reps_done = 10;  // 2 above: 2 x 2.5% = 5%
  ProgressionDecision d = decide_progression(in);
  EXPECT_EQ(d.decision, Decision::kProgress);
  EXPECT_EQ(d.rule, 6);
  EXPECT_NEAR(d.load_change_fraction, 0.05, 1e-12);
  EXPECT_NEAR(d.next_load_n, 1050.0, 1e-9);
  EXPECT_EQ(d.reason, "2 reps above the target of 8, pain settled: add 5.0%");
  in.reps_done = 9;  // 2.5%
  EXPECT_NEAR(decide_progression(in).load_change_fraction, 0.025, 1e-12);
  in.reps_done = 20;  // capped at 10%
  EXPECT_NEAR(decide_progression(in).load_change_fraction, 0.10, 1e-12);
}

TEST(Progression, AcceptablePainZoneTakesTheSmallestStep) {
  ProgressionInput in = base();
  in.pain_during = 4;
  const ProgressionDecision d = decide_progression(in);
  EXPECT_EQ(d.decision, Decision::kProgress);
  EXPECT_NEAR(d.load_change_fraction, 0.02, 1e-12);
}

TEST(Progression, AlfredsonAddsLoadOnlyWhenPainFree) {
  ProgressionRules rules;
  rules.require_pain_free = true;
  ProgressionInput in = base();
  const ProgressionDecision d = decide_progression(in, rules);
  EXPECT_EQ(d.decision, Decision::kRepeat);
  EXPECT_EQ(d.rule, 4);
  in.pain_during = 0;
  EXPECT_EQ(decide_progression(in, rules).decision, Decision::kProgress);
  EXPECT_EQ(decide_progression(in, rules).input.pain_during, 0);  // inputs kept for explanation
}

}  // namespace
}  // namespace tempoload::protocols
