// HeelRiseTest: reps paced at 30/min until the height or the cadence fails; height and work per
// rep; LSI between legs with the formula named.
#include "protocols/heel_rise_test.hpp"

#include <gtest/gtest.h>

#include "protocols/tests/motion_script.hpp"
#include "protocols/tests/tracker_feed.hpp"

namespace tempoload::protocols {
namespace {

using test_support::MotionScript;
using test_support::test_rom;

HeelRiseSpec right_leg() {
  HeelRiseSpec s;
  s.leg = Legs::kRight;
  s.body_mass_kg = 70;
  return s;
}

// One 2 s rep (30/min): 0.8 s up, 0.2 s top, 0.8 s down, 0.2 s bottom.
MotionScript& paced_rep(MotionScript& m, double top_p = 1.0) {
  return m.rep(0.8, 0.2, 0.8, 0.2, top_p);
}

HeelRiseTest run(MotionScript script, const HeelRiseSpec& spec) {
  HeelRiseTest test(spec, test_rom());
  for (const MotionSample& s : script.sample(test_rom(), 1000)) test.update(s);
  return test;
}

TEST(HeelRiseTest, HeightFailureEndsTheTest) {
  MotionScript m(0.0);
  m.hold(1.0);
  for (int i = 0; i < 5; ++i) paced_rep(m);
  paced_rep(m, 0.35);  // 2.8 cm, below half of 8 cm
  m.hold(1.0);
  const HeelRiseTest test = run(m, right_leg());
  ASSERT_TRUE(test.finished());
  EXPECT_EQ(test.end(), HeelRiseTest::End::kHeight);
  const HeelRiseResult& r = test.result();
  EXPECT_EQ(r.reps, 5);
  EXPECT_NEAR(r.mean_height_m, 0.08, 0.001);
  // Work on the right plate (600 N in the script) over the rise: 600 x 0.08 = 48 J per rep.
  EXPECT_NEAR(r.total_work_j, 5 * 48.0, 5 * 0.5);
  EXPECT_NEAR(r.total_work_mgh_j, 5 * 70 * 9.81 * 0.08, 5 * 0.6);  // 54.9 J per rep
  EXPECT_EQ(test.ended_by().rfind("height: 2.", 0), 0u) << test.ended_by();
}

TEST(HeelRiseTest, FallingBehindTheMetronomeEndsTheTest) {
  MotionScript m(0.0);
  m.hold(1.0);
  for (int i = 0; i < 3; ++i) paced_rep(m);
  m.hold(2.0);  // the 4th rep is due at ~7 s; the athlete waits until ~9 s
  paced_rep(m);
  const HeelRiseTest test = run(m, right_leg());
  ASSERT_TRUE(test.finished());
  EXPECT_EQ(test.end(), HeelRiseTest::End::kLate);
  EXPECT_EQ(test.result().reps, 3);
}

TEST(HeelRiseTest, MetronomeBeatsFromTheFirstRep) {
  MotionScript m(0.0);
  m.hold(1.0);
  paced_rep(m);
  paced_rep(m);
  HeelRiseTest test(right_leg(), test_rom());
  EXPECT_EQ(test.next_beat_t_s(), -1);
  for (const MotionSample& s : m.sample(test_rom(), 1000)) test.update(s);
  EXPECT_DOUBLE_EQ(test.period_s(), 2.0);
  EXPECT_NEAR(test.next_beat_t_s(), 1.0 + 2 * 2.0, 0.05);
  EXPECT_FALSE(test.finished());
}

TEST(HeelRiseSymmetry, LsiByRepsHeightAndWork) {
  HeelRiseResult involved, uninvolved;
  involved.reps = 21;
  involved.total_height_m = 1.05;
  involved.total_work_j = 600;
  uninvolved.reps = 25;
  uninvolved.total_height_m = 1.75;
  uninvolved.total_work_j = 1000;
  const HeelRiseSymmetry s = heel_rise_symmetry(involved, uninvolved);
  EXPECT_NEAR(s.by_reps.value_pct, 84.0, 1e-9);
  EXPECT_NEAR(s.by_height.value_pct, 60.0, 1e-9);
  EXPECT_NEAR(s.by_work.value_pct, 60.0, 1e-9);
  EXPECT_EQ(s.by_work.formula, "LSI = involved / uninvolved x 100");
  EXPECT_EQ(s.by_work.metric, "total work");
}

}  // namespace
}  // namespace tempoload::protocols
