// The athlete's end-of-session summary, from a hand-made report.
#include "plugin/session/session_summary.hpp"

#include <gtest/gtest.h>

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

v1::RepResult rep(v1::RepVerdict verdict, double ecc_s, double left_n, double right_n) {
  v1::RepResult r;
  r.set_verdict(verdict);
  r.set_counted(verdict == v1::REP_VERDICT_COUNTED);
  r.set_eccentric_s(ecc_s);
  r.set_mean_force_left_n(left_n);
  r.set_mean_force_right_n(right_n);
  r.set_time_under_tension_s(ecc_s + 3.0);
  return r;
}

v1::SessionReport report() {
  v1::SessionReport r;
  r.set_session_id("m-1");
  r.set_athlete_id("ath-1");
  r.set_started_at_unix_ms(1'000'000);
  r.set_ended_at_unix_ms(1'090'500);
  auto* set = r.add_sets();
  set->mutable_prescription()->mutable_tempo()->set_eccentric_min_s(3.0);
  set->mutable_prescription()->mutable_tempo()->set_eccentric_max_s(5.0);
  set->mutable_prescription()->mutable_tempo()->set_max_pause_s(3.0);
  *set->add_reps() = rep(v1::REP_VERDICT_COUNTED, 3.5, 400, 500);
  *set->add_reps() = rep(v1::REP_VERDICT_TOO_FAST, 1.6, 400, 500);
  *set->add_reps() = rep(v1::REP_VERDICT_COUNTED, 4.5, 400, 500);
  *set->add_reps() = rep(v1::REP_VERDICT_TOO_FAST, 2.0, 400, 500);
  *set->add_reps() = rep(v1::REP_VERDICT_PAUSED_TOO_LONG, 3.5, 400, 500);
  *set->add_reps() = rep(v1::REP_VERDICT_PARTIAL_RANGE, 3.5, 400, 500);
  set->mutable_summary()->set_end_reason("target reached");
  return r;
}

TEST(SessionSummary, CountsByVerdictAndNumbersOverCountedReps) {
  const auto s = summarize_session(report(), {});
  EXPECT_EQ(s.session_id(), "m-1");
  EXPECT_EQ(s.reps_attempted(), 6u);
  EXPECT_EQ(s.reps_counted(), 2u);
  EXPECT_EQ(s.reps_too_fast(), 2u);
  EXPECT_EQ(s.reps_too_slow(), 0u);
  EXPECT_EQ(s.reps_partial_range(), 1u);
  EXPECT_EQ(s.reps_paused_too_long(), 1u);
  EXPECT_DOUBLE_EQ(s.mean_eccentric_s(), 4.0);                   // (3.5 + 4.5) / 2
  EXPECT_DOUBLE_EQ(s.time_under_tension_s(), 14.0);              // 6.5 + 7.5
  EXPECT_NEAR(s.symmetry_index_pct(), 100.0 * 100 / 450, 1e-9);  // (500-400)/450 x 100
  EXPECT_DOUBLE_EQ(s.duration_s(), 90.5);
  EXPECT_EQ(s.end_reason(), "target reached");
}

TEST(SessionSummary, NotesSayWhatToWorkOn) {
  const auto s = summarize_session(report(), {});
  ASSERT_EQ(s.notes_size(), 4);
  EXPECT_EQ(s.notes(0), "lower slower: 2 reps under 3.0 s");
  EXPECT_EQ(s.notes(1), "use the full range: 1 rep stopped short of it");
  EXPECT_EQ(s.notes(2), "keep moving: 1 rep paused over 3.0 s");
  EXPECT_EQ(s.notes(3), "balance: the right leg pushed 22% more (SI +22.2%)");
}

TEST(SessionSummary, PainAboveTheLimitIsFlaggedForTheCoach) {
  auto r = report();
  r.mutable_sets(0)->mutable_prescription()->set_pain_limit_0_10(4);
  const std::vector<PainReport> pain{{"m-1", "ath-1", 1'010'000, 3, "", false},
                                     {"m-1", "ath-1", 1'020'000, 5, "left Achilles", true}};
  const auto s = summarize_session(r, pain);
  EXPECT_EQ(s.pain_reports(), 2u);
  EXPECT_EQ(s.max_pain_0_10(), 5u);
  EXPECT_EQ(s.notes(s.notes_size() - 1),
            "pain 5/10 is above 4: tell your coach before the next session");
}

TEST(SessionSummary, AcceptablePainAndNoRepsGiveNoBalanceNote) {
  v1::SessionReport r;
  r.set_session_id("m-2");
  r.add_sets()->mutable_summary()->set_end_reason("stopped");
  const auto s = summarize_session(r, {{"m-2", "a", 0, 2, "", false}});
  EXPECT_EQ(s.reps_counted(), 0u);
  EXPECT_DOUBLE_EQ(s.symmetry_index_pct(), 0);
  ASSERT_EQ(s.notes_size(), 1);
  EXPECT_EQ(s.notes(0), "pain 2/10 is acceptable (5 or less); note how it feels tomorrow morning");
}

}  // namespace
}  // namespace tempoload::plugin
