// programme_session: the HSR ladder week by week, variants, rests; Alfredson's sets; refusals.
#include "protocols/programmes.hpp"

#include <gtest/gtest.h>

#include "protocols/prescription_check.hpp"

namespace tempoload::protocols {
namespace {

ProgrammeOptions hsr_options() {
  ProgrammeOptions o;
  o.loads = {600, 700, 800, 900, 1000};  // 15, 12, 10, 8, 6RM [N]
  return o;
}

TEST(HsrProgramme, LadderWeekByWeek) {
  struct Expect {
    int week, sets, reps;
    double load_n;
  };
  for (const Expect e : {Expect{1, 3, 15, 600}, Expect{2, 3, 12, 700}, Expect{3, 3, 12, 700},
                         Expect{4, 4, 10, 800}, Expect{5, 4, 10, 800}, Expect{6, 4, 8, 900},
                         Expect{8, 4, 8, 900}, Expect{9, 4, 6, 1000}, Expect{12, 4, 6, 1000}}) {
    SCOPED_TRACE(e.week);
    const ProgrammeResult r = programme_session(ProgrammeKind::kHsr, e.week, 2, hsr_options());
    ASSERT_TRUE(r.plan) << r.error;
    ASSERT_EQ(static_cast<int>(r.plan->sets.size()), e.sets);
    for (const PlannedSet& s : r.plan->sets) {
      EXPECT_EQ(s.spec.reps, e.reps);
      EXPECT_EQ(s.target_rm, e.reps);
      EXPECT_DOUBLE_EQ(s.spec.load_n, e.load_n);
      EXPECT_DOUBLE_EQ(s.spec.tempo.concentric_s, 3.0);
      EXPECT_DOUBLE_EQ(s.spec.tempo.eccentric_s, 3.0);
      EXPECT_DOUBLE_EQ(s.rest_after_s, 150.0);
      EXPECT_EQ(s.knee, Knee::kStraight);
    }
  }
}

TEST(HsrProgramme, BothVariantsRestFiveMinutesBetweenExercises) {
  ProgrammeOptions o = hsr_options();
  o.variant = HsrVariant::kBoth;
  o.lowering_s = 4.0;
  const ProgrammeResult r = programme_session(ProgrammeKind::kHsr, 4, 1, o);
  ASSERT_TRUE(r.plan);
  ASSERT_EQ(r.plan->sets.size(), 8u);
  EXPECT_EQ(r.plan->sets[3].knee, Knee::kStraight);
  EXPECT_DOUBLE_EQ(r.plan->sets[3].rest_after_s, 300.0);
  EXPECT_EQ(r.plan->sets[4].knee, Knee::kBent);
  EXPECT_DOUBLE_EQ(r.plan->sets[4].spec.tempo.eccentric_s, 4.0);
  Prescription p{*r.plan, false};
  EXPECT_FALSE(check_prescription(p).has_value());  // a 10RM block needs no RM on record
}

TEST(HsrProgramme, HeavyBlockNeedsAnRmOnRecord) {
  const ProgrammeResult r = programme_session(ProgrammeKind::kHsr, 10, 1, hsr_options());
  ASSERT_TRUE(r.plan);
  Prescription p{*r.plan, false};
  ASSERT_TRUE(check_prescription(p).has_value());
  EXPECT_EQ(check_prescription(p)->field, "sets[0].target_rm");
  p.rm_on_record = true;
  EXPECT_FALSE(check_prescription(p).has_value());
}

TEST(HsrProgramme, Refusals) {
  EXPECT_EQ(programme_session(ProgrammeKind::kHsr, 13, 1, hsr_options()).error,
            "week: 13 is outside [1, 12]");
  EXPECT_EQ(programme_session(ProgrammeKind::kHsr, 1, 4, hsr_options()).error,
            "session: 4 is outside [1, 3]");
  ProgrammeOptions o = hsr_options();
  o.loads.rm6_n = 0;
  EXPECT_EQ(programme_session(ProgrammeKind::kHsr, 9, 1, o).error,
            "loads.rm6_n: week 9 needs the 6RM load");
  o.lowering_s = 2.0;
  EXPECT_FALSE(programme_session(ProgrammeKind::kHsr, 1, 1, o).plan);
}

TEST(AlfredsonProgramme, ThreeByFifteenStraightThenBent) {
  ProgrammeOptions o;
  o.injured_leg = Legs::kRight;
  o.lowering_s = 4.0;
  const ProgrammeResult r = programme_session(ProgrammeKind::kAlfredson, 3, 14, o);
  ASSERT_TRUE(r.plan) << r.error;
  ASSERT_EQ(r.plan->sets.size(), 6u);
  for (int i = 0; i < 6; ++i) {
    const PlannedSet& s = r.plan->sets[i];
    EXPECT_EQ(s.spec.reps, 15);
    EXPECT_TRUE(s.spec.eccentric_only);
    EXPECT_TRUE(s.spec.eccentric_velocity_limit);
    EXPECT_EQ(s.legs, Legs::kRight);
    EXPECT_DOUBLE_EQ(s.spec.load_n, 0.0);  // body weight to start
    EXPECT_EQ(s.knee, i < 3 ? Knee::kStraight : Knee::kBent);
  }
  EXPECT_DOUBLE_EQ(r.plan->sets[2].rest_after_s, 300.0);
  EXPECT_FALSE(check_prescription({*r.plan, false}).has_value());
  EXPECT_EQ(programme_session(ProgrammeKind::kAlfredson, 1, 15, o).error,
            "session: 15 is outside [1, 14]");
}

}  // namespace
}  // namespace tempoload::protocols
