// validate(): every refusal names its field; defaults fill in what a coach left out.
#include <gtest/gtest.h>

#include <cmath>

#include "plugin/session/proto_conversion.hpp"

namespace tempoload::plugin {
namespace {

namespace v1 = tempoload::v1;
constexpr double kMaxForceN = 3000;
constexpr double kTravelM = 0.10;

v1::StartSetRequest good() {
  v1::StartSetRequest r;
  r.set_athlete_id("athlete-1");
  r.mutable_set()->set_reps(6);
  r.mutable_set()->set_load_n(1700);
  auto* t = r.mutable_set()->mutable_tempo();
  t->set_concentric_s(3);
  t->set_eccentric_s(3.5);
  return r;
}

std::string error_of(const v1::StartSetRequest& r) { return validate(r, kMaxForceN, kTravelM); }

TEST(PrescriptionValidation, GoodRequestPassesAndGetsDefaults) {
  EXPECT_EQ(error_of(good()), "");
  const auto filled = with_defaults(good(), kTravelM);
  EXPECT_EQ(filled.set().tempo().eccentric_min_s(), 3.0);
  EXPECT_EQ(filled.set().tempo().eccentric_max_s(), 5.0);
  EXPECT_EQ(filled.set().min_range_fraction(), 0.8);
  EXPECT_EQ(filled.range().top_m(), kTravelM);
  const auto spec = to_spec(filled.set());
  EXPECT_EQ(spec.reps, 6);
  EXPECT_EQ(spec.tempo.eccentric_s, 3.5);
}

TEST(PrescriptionValidation, EachBadFieldIsNamed) {
  struct Case {
    void (*change)(v1::StartSetRequest&);
    const char* expected;
  };
  const Case cases[] = {
      {[](auto& r) { r.set_athlete_id(""); }, "athlete_id: must be 1..64 characters"},
      {[](auto& r) { r.clear_set(); }, "set: required"},
      {[](auto& r) { r.mutable_set()->set_reps(0); }, "set.reps: must be in [1, 50], got 0"},
      {[](auto& r) { r.mutable_set()->set_load_n(3500); },
       "set.load_n: 3500 N is outside the machine's range [0, 3000] N"},
      {[](auto& r) { r.mutable_set()->set_load_n(-1); }, "set.load_n: -1 N is outside"},
      {[](auto& r) { r.mutable_set()->mutable_tempo()->set_eccentric_s(0.5); },
       "set.tempo.eccentric_s: 0.5 s is outside [eccentric_min_s, eccentric_max_s] = [3, 5] s"},
      {[](auto& r) { r.mutable_set()->mutable_tempo()->set_eccentric_min_s(0.5); },
       "set.tempo.eccentric_min_s: 0.5 s is below the shortest allowed lowering of 1 s"},
      {[](auto& r) {
         r.mutable_set()->mutable_tempo()->set_eccentric_min_s(4);
         r.mutable_set()->mutable_tempo()->set_eccentric_max_s(3.5);
       },
       "set.tempo.eccentric_max_s: 3.5 s is below eccentric_min_s 4 s"},
      {[](auto& r) { r.mutable_set()->mutable_tempo()->set_concentric_s(0); },
       "set.tempo.concentric_s: 0 s is outside (0, 30] s"},
      {[](auto& r) { r.mutable_set()->mutable_tempo()->set_top_pause_s(-1); },
       "set.tempo.top_pause_s: -1 s is outside [0, 30] s"},
      {[](auto& r) { r.mutable_set()->set_min_range_fraction(1.5); },
       "set.min_range_fraction: must be in (0, 1], got 1.5"},
      {[](auto& r) { r.mutable_set()->set_idle_timeout_s(1); },
       "set.idle_timeout_s: must be in [2, 600] s, got 1"},
      {[](auto& r) {
         r.mutable_set()->set_load_n(0);
         r.mutable_set()->set_target_rm(16);
       },
       "set.target_rm: must be in [1, 15] (an nRM load) or 0 to use load_n, got 16"},
      {[](auto& r) { r.mutable_set()->set_target_rm(6); },
       "set.load_n: must be 0 when set.target_rm is given"},
      {[](auto& r) { r.mutable_set()->mutable_tempo()->set_max_pause_s(0.2); },
       "set.tempo.max_pause_s: must be in [0.5, 60] s or 0 for no limit, got 0.2"},
      {[](auto& r) {
         r.mutable_set()->mutable_tempo()->set_bottom_pause_s(1.0);
         r.mutable_set()->mutable_tempo()->set_max_pause_s(0.8);
       },
       "set.tempo.max_pause_s: 0.8 s must be longer than the prescribed pauses (top 0 s, bottom "
       "1 s)"},
      {[](auto& r) { r.mutable_set()->set_pain_limit_0_10(11); },
       "set.pain_limit_0_10: must be in [1, 10], got 11"},
      {[](auto& r) { r.mutable_set()->set_max_hold_s(1); },
       "set.max_hold_s: must be in [5, 600] s or 0 for 120 s, got 1"},
      {[](auto& r) { r.mutable_range()->set_top_m(0.2); }, "range.top_m: 0.2 m must be within"},
      {[](auto& r) {
         r.mutable_range()->set_bottom_m(0.05);
         r.mutable_range()->set_top_m(0.055);
       },
       "range.top_m: 0.055 m must be within the travel (0.1 m) and at least 0.01 m above"},
  };
  for (const auto& c : cases) {
    auto r = good();
    c.change(r);
    const std::string e = error_of(r);
    EXPECT_EQ(e.rfind(c.expected, 0), 0u) << "got: " << e << "\nwant prefix: " << c.expected;
  }
}

TEST(PrescriptionValidation, NonFiniteNumbersAreRefused) {
  auto r = good();
  r.mutable_set()->set_load_n(std::nan(""));
  EXPECT_EQ(error_of(r).rfind("set.load_n:", 0), 0u);
  r = good();
  r.mutable_set()->mutable_tempo()->set_eccentric_s(INFINITY);
  EXPECT_EQ(error_of(r).rfind("set.tempo.eccentric_s:", 0), 0u);
}

}  // namespace
}  // namespace tempoload::plugin
