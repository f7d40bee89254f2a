// check_prescription: the first unsafe or impossible field is named; a sound plan passes.
#include "protocols/prescription_check.hpp"

#include <gtest/gtest.h>

namespace tempoload::protocols {
namespace {

Prescription sound() {
  Prescription p;
  PlannedSet s;
  s.spec.reps = 12;
  s.spec.load_n = 900;
  p.plan.sets = {s, s, s};
  return p;
}

std::string first_problem(const Prescription& p, const PrescriptionLimits& lim = {}) {
  const auto pr = check_prescription(p, lim);
  return pr ? pr->text() : "none";
}

TEST(CheckPrescription, SoundPlanPasses) { EXPECT_EQ(first_problem(sound()), "none"); }

TEST(CheckPrescription, NegativeOrZeroReps) {
  Prescription p = sound();
  p.plan.sets[1].spec.reps = -3;
  EXPECT_EQ(first_problem(p), "sets[1].spec.reps: must be in [1, 50], got -3");
  p.plan.sets[1].spec.reps = 0;
  EXPECT_EQ(first_problem(p), "sets[1].spec.reps: must be in [1, 50], got 0");
}

TEST(CheckPrescription, LoweringOutsideTheWindow) {
  Prescription p = sound();
  p.plan.sets[0].spec.tempo.eccentric_s = 0.5;
  EXPECT_EQ(first_problem(p),
            "sets[0].spec.tempo.eccentric_s: 0.5 s is outside the allowed lowering window [3, 5] "
            "s");
  p = sound();
  p.plan.sets[2].spec.tempo.eccentric_min_s = 0.5;
  EXPECT_EQ(first_problem(p),
            "sets[2].spec.tempo.eccentric_min_s: 0.5 s is outside the allowed lowering window [3, "
            "5] s");
  // A coach who widens the window explicitly may prescribe 2 s.
  p = sound();
  p.plan.sets[0].spec.tempo.eccentric_s = 2.0;
  p.plan.sets[0].spec.tempo.eccentric_min_s = 2.0;
  PrescriptionLimits wide;
  wide.lowering_min_s = 2.0;
  EXPECT_EQ(first_problem(p, wide), "none");
}

TEST(CheckPrescription, LoadAboveMachineOrPrescriptionMax) {
  Prescription p = sound();
  p.plan.sets[1].spec.load_n = 3500;
  EXPECT_EQ(first_problem(p),
            "sets[1].spec.load_n: 3500 N is outside the machine's range [0, 3000] N");
  p.plan.sets[1].spec.load_n = 1200;
  p.plan.max_load_n = 1000;
  EXPECT_EQ(first_problem(p),
            "sets[1].spec.load_n: 1200 N is above the prescription's maximum 1000 N");
  p.plan.sets[1].spec.load_n = -1;
  EXPECT_EQ(first_problem(p),
            "sets[1].spec.load_n: -1 N is outside the machine's range [0, 3000] N");
}

TEST(CheckPrescription, HeavyRmLoadNeedsAnRmOnRecord) {
  Prescription p = sound();
  p.plan.sets[0].target_rm = 3;
  EXPECT_EQ(first_problem(p),
            "sets[0].target_rm: a 3RM load needs an RM test or an RM estimate on record");
  p.rm_on_record = true;
  EXPECT_EQ(first_problem(p), "none");
  p.rm_on_record = false;
  p.plan.sets[0].target_rm = 12;  // a light RM load may be found by feel
  EXPECT_EQ(first_problem(p), "none");
}

TEST(CheckPrescription, RestBetweenSets) {
  Prescription p = sound();
  p.plan.sets[0].rest_after_s = 60;
  EXPECT_EQ(first_problem(p), "sets[0].rest_after_s: 60 s is outside [120, 180] s");
  p.plan.sets[0].rest_after_s = 300;
  p.plan.sets[1].knee = Knee::kBent;  // exercise change: up to 5 min
  EXPECT_EQ(first_problem(p), "none");
  p.plan.sets[2].rest_after_s = 10;  // after the last set: ignored
  EXPECT_EQ(first_problem(p), "none");
}

TEST(CheckPrescription, EmptyPlanAndStepLoad) {
  Prescription p;
  EXPECT_EQ(first_problem(p), "sets: at least one set is needed");
  p = sound();
  p.plan.sets[0].spec.load_ramp_s = 0;
  EXPECT_EQ(first_problem(p), "sets[0].spec.load_ramp_s: 0 s is outside (0, 10] s");
}

}  // namespace
}  // namespace tempoload::protocols
