// The storage and rules behind the Coach and Operator services, on real SQLite files and with
// synthetic times: schema v3 -> v4, weekly trends, test results with 1RM estimates, the
// calibration history and its application by the loop, the field-level audit of prescription
// changes, and who may see what.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "plugin/auth/access_policy.hpp"
#include "plugin/auth/caller_scope.hpp"
#include "plugin/loop/calibration.hpp"
#include "plugin/storage/athlete_queries.hpp"
#include "plugin/storage/calibration_store.hpp"
#include "plugin/storage/prescription_diff.hpp"
#include "plugin/storage/prescription_store.hpp"
#include "plugin/storage/session_store.hpp"
#include "plugin/storage/test_results.hpp"
#include "plugin/storage/trends.hpp"
#include "protocols/rep_metrics.hpp"

namespace tempoload::plugin {
namespace {

namespace v1 = tempoload::v1;
namespace fs = std::filesystem;

constexpr std::int64_t kDay = 86'400'000;
// Monday 2026-11-16 00:00 UTC: ISO week 2026-W47.
constexpr std::int64_t kMonW47 = 1'794'787'200'000;

class CoachOperatorStore : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tempoload-coachop-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path db() const { return dir_ / "plugin.db"; }

  // A finished calf-raise session at `at` with reps (counted, mean L, mean R, SI).
  static void session(SessionStore& store, const std::string& id, const std::string& athlete,
                      std::int64_t at, double load_n,
                      std::vector<std::tuple<bool, double, double>> reps) {
    SessionStart s;
    s.session_id = id;
    s.athlete_id = athlete;
    s.machine_id = "calf-1";
    s.machine_model = "calf";
    s.started_at_unix_ms = at;
    s.prescription.set_reps(6);
    s.prescription.set_load_n(load_n);
    store.begin_session(s);
    std::uint32_t i = 0;
    for (const auto& [counted, l, r] : reps) {
      v1::RepResult rep;
      rep.set_index(++i);
      rep.set_counted(counted);
      rep.set_verdict(counted ? v1::REP_VERDICT_COUNTED : v1::REP_VERDICT_TOO_FAST);
      rep.set_mean_force_left_n(l);
      rep.set_mean_force_right_n(r);
      rep.set_peak_force_left_n(l + 100);
      rep.set_peak_force_right_n(r + 100);
      rep.set_symmetry_index_pct(protocols::symmetry_index_pct(l, r));
      rep.set_time_under_tension_s(7);
      rep.set_completed_at_unix_ms(at + i * 10'000);
      store.add_rep(id, rep);
    }
    v1::SetSummary summary;
    summary.set_reps_attempted(i);
    store.finish_session(id, summary, at + 100'000);
  }

  fs::path dir_;
};

TEST_F(CoachOperatorStore, MigratesAVersion3DatabaseKeepingEveryRow) {
  {
    SessionStore store(db());
    session(store, "s-1", "anna", kMonW47, 1500, {{true, 700, 800}});
  }
  {
    // What the v3 plugin left: the same database without the v4 tables, at user_version 3.
    Database raw(db());
    raw.exec(
        "DROP TABLE test_results; DROP TABLE calibration; DROP TABLE IF EXISTS pain_reports; "
        "DROP TABLE protocol_results; DROP TABLE morning_pain; "
        "ALTER TABLE sets DROP COLUMN rest_before_s;");
    raw.set_user_version(3);
  }
  SessionStore store(db());
  store.with_db([&](Database& d) {
    EXPECT_EQ(d.user_version(), kSchemaVersion);
    v1::TestResult r;
    r.set_id("t-1");
    r.set_athlete_id("anna");
    r.mutable_rm()->set_load_n(1000);
    r.mutable_rm()->set_reps(6);
    save_test_result(d, r, kMonW47);
    v1::Calibration c;
    c.set_force_offset_left_n(3);
    save_calibration(d, c, "zero_load_cells", "op-1", kMonW47);
    EXPECT_EQ(list_test_results(d, "anna", 0, 0).size(), 1u);
    EXPECT_EQ(list_sessions(d).size(), 1u) << "v3 sessions survive";
    EXPECT_EQ(list_sessions(d)[0].reps_counted, 1);
  });
  // A fresh database has the same columns as the migrated one.
  auto columns = [](const fs::path& path) {
    Database d(path);
    auto s = d.prepare(
        "SELECT m.name || '.' || p.name || ':' || p.type FROM sqlite_master m JOIN "
        "pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY 1");
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
  };
  { SessionStore fresh(dir_ / "fresh.db"); }
  EXPECT_EQ(columns(db()), columns(dir_ / "fresh.db"));
}

TEST_F(CoachOperatorStore, IsoWeeksFollowTheThursdayRule) {
  EXPECT_EQ(iso_week_start(kMonW47 + 5 * kDay + 3'600'000), kMonW47);  // Saturday 01:00
  EXPECT_EQ(iso_week_label(kMonW47), "2026-W47");
  // 2021-01-01 was a Friday: its week belongs to 2020 (53 weeks).
  EXPECT_EQ(iso_week_label(iso_week_start(1'609'459'200'000)), "2020-W53");
  // Monday 2024-12-30 starts 2025-W01.
  EXPECT_EQ(iso_week_label(1'735'516'800'000), "2025-W01");
  EXPECT_EQ(iso_week_start(1'735'516'800'000), 1'735'516'800'000);
}

TEST_F(CoachOperatorStore, TrendsArePerIsoWeekOverCountedReps) {
  SessionStore store(db());
  // Week 47: two sessions; week 48: one. A rep not counted adds to attempts only.
  session(store, "a-1", "anna", kMonW47 + 3'600'000, 1500, {{true, 600, 800}, {false, 0, 5000}});
  session(store, "a-2", "anna", kMonW47 + 2 * kDay, 1700, {{true, 800, 800}});
  session(store, "a-3", "anna", kMonW47 + 7 * kDay, 1800, {{true, 900, 900}, {true, 1000, 900}});
  session(store, "b-1", "bob", kMonW47, 2000, {{true, 1, 1}});  // someone else
  const auto t = store.with_db(
      [&](Database& d) { return weekly_trends(d, "anna", kMonW47, kMonW47 + 14 * kDay); });
  ASSERT_EQ(t.weeks_size(), 2);
  const auto& w47 = t.weeks(0);
  EXPECT_EQ(w47.iso_week(), "2026-W47");
  EXPECT_EQ(w47.sessions(), 2u);
  EXPECT_EQ(w47.reps_counted(), 2u);
  EXPECT_EQ(w47.reps_attempted(), 3u);
  EXPECT_DOUBLE_EQ(w47.mean_force_left_n(), 700);  // (600 + 800) / 2
  EXPECT_DOUBLE_EQ(w47.mean_force_right_n(), 800);
  EXPECT_DOUBLE_EQ(w47.peak_force_right_n(), 900);  // the uncounted 5100 N rep is left out
  EXPECT_NEAR(w47.mean_symmetry_index_pct(), (protocols::symmetry_index_pct(600, 800) + 0) / 2,
              1e-9);
  EXPECT_DOUBLE_EQ(w47.mean_load_n(), 1600);
  EXPECT_DOUBLE_EQ(w47.max_load_n(), 1700);
  EXPECT_DOUBLE_EQ(w47.time_under_tension_s(), 14);
  EXPECT_EQ(t.weeks(1).iso_week(), "2026-W48");
  EXPECT_EQ(t.weeks(1).reps_counted(), 2u);
  EXPECT_DOUBLE_EQ(t.weeks(1).mean_force_left_n(), 950);
  // The range bounds which sessions count.
  const auto later = store.with_db([&](Database& d) {
    return weekly_trends(d, "anna", kMonW47 + 7 * kDay, kMonW47 + 14 * kDay);
  });
  ASSERT_EQ(later.weeks_size(), 1);
  EXPECT_EQ(later.weeks(0).iso_week(), "2026-W48");
}

TEST_F(CoachOperatorStore, OneRmEstimatesFollowTheNamedFormulas) {
  const auto e = one_rm_estimates(1000, 6);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].formula().substr(0, 5), "Epley");
  EXPECT_NEAR(e[0].one_rm_n(), 1200, 1e-9);  // 1000 (1 + 6/30)
  EXPECT_EQ(e[1].formula().substr(0, 7), "Brzycki");
  EXPECT_NEAR(e[1].one_rm_n(), 1161.29, 0.01);  // 1000 x 36 / 31
  EXPECT_EQ(e[2].formula().substr(0, 8), "Lombardi");
  EXPECT_NEAR(e[2].one_rm_n(), 1196.23, 0.01);  // 1000 x 6^0.1
  EXPECT_TRUE(one_rm_estimates(1000, 13).empty()) << "beyond 12 reps no estimate is made";
}

TEST_F(CoachOperatorStore, TestResultsNewestFirstIncludingDynamometerPeaks) {
  SessionStore store(db());
  // A dynamometer session with a left and a right series.
  SessionStart s;
  s.session_id = "dyn-s";
  s.athlete_id = "anna";
  s.machine_id = "dyn-1";
  s.machine_model = "dyno";
  s.started_at_unix_ms = kMonW47 + kDay;
  v1::StartDynamometerTestRequest prescription;
  store.begin_session(s, &prescription);
  v1::DynamometerTestReport results;
  for (auto [leg, peak] : {std::pair{v1::LEG_LEFT, 120.0}, std::pair{v1::LEG_RIGHT, 150.0},
                           std::pair{v1::LEG_LEFT, 130.0}}) {
    auto* r = results.add_results();
    r->mutable_prescription()->set_leg(leg);
    r->set_peak_torque_nm(peak);
  }
  store.with_db([&](Database& d) {
    d.prepare("UPDATE dynamometer_tests SET results = ? WHERE session_id = 'dyn-s'")
        .bind_blob(1, results.SerializeAsString())
        .run();
    for (auto [id, at] : {std::pair{"t-old", kMonW47}, std::pair{"t-new", kMonW47 + 2 * kDay}}) {
      v1::TestResult r;
      r.set_id(id);
      r.set_athlete_id("anna");
      r.set_measured_at_unix_ms(at);
      r.mutable_rm()->set_load_n(1000);
      r.mutable_rm()->set_reps(5);
      save_test_result(d, r, at);
    }
    const auto all = list_test_results(d, "anna", 0, 0);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].id(), "t-new");
    EXPECT_EQ(all[1].id(), "dyn-dyn-s");
    EXPECT_EQ(all[1].session_id(), "dyn-s");
    EXPECT_DOUBLE_EQ(all[1].mvic().peak_torque_left_nm(), 130);  // highest left series
    EXPECT_DOUBLE_EQ(all[1].mvic().peak_torque_right_nm(), 150);
    EXPECT_NEAR(all[1].symmetry_index_pct(), protocols::symmetry_index_pct(130, 150), 1e-9);
    EXPECT_EQ(all[2].id(), "t-old");
    EXPECT_EQ(list_test_results(d, "anna", kMonW47 + 1, 0).size(), 2u) << "from bounds";
    EXPECT_TRUE(list_test_results(d, "bob", 0, 0).empty());
    EXPECT_EQ(find_athlete(d, "anna")->sessions, 1);
  });
}

TEST_F(CoachOperatorStore, CalibrationHistoryKeepsWhoAndWhenOfEachKind) {
  SessionStore store(db());
  store.with_db([&](Database& d) {
    EXPECT_FALSE(load_calibration(d));
    v1::Calibration c;
    c.set_force_offset_left_n(12.5);
    c.set_force_offset_right_n(-3);
    save_calibration(d, c, "zero_load_cells", "op-anna", 1000);
    c.mutable_range_limits()->set_bottom_m(0.01);
    c.mutable_range_limits()->set_top_m(0.08);
    save_calibration(d, c, "range_limits", "op-ben", 2000);
    const auto now = load_calibration(d);
    ASSERT_TRUE(now);
    EXPECT_DOUBLE_EQ(now->force_offset_left_n(), 12.5);
    EXPECT_DOUBLE_EQ(now->force_offset_right_n(), -3);
    EXPECT_DOUBLE_EQ(now->range_limits().top_m(), 0.08);
    EXPECT_EQ(now->zeroed_by(), "op-anna");
    EXPECT_EQ(now->zeroed_at_unix_ms(), 1000);
    EXPECT_EQ(now->range_set_by(), "op-ben");
    c.clear_range_limits();
    save_calibration(d, c, "clear_range_limits", "op-anna", 3000);
    EXPECT_FALSE(load_calibration(d)->has_range_limits());
    EXPECT_EQ(load_calibration(d)->range_set_at_unix_ms(), 3000);
  });
}

TEST_F(CoachOperatorStore, LoopCalibrationSubtractsOffsetsAndClampsTheRange) {
  Calibration c;
  drivers::Sample raw;
  raw.force_left_n = 510;
  raw.force_right_n = 480;
  EXPECT_DOUBLE_EQ(c.apply(raw).force_left_n, 510) << "no offsets: unchanged";
  c.set_force_offsets(10, -20);
  const auto s = c.apply(raw);
  EXPECT_DOUBLE_EQ(s.force_left_n, 500);
  EXPECT_DOUBLE_EQ(s.force_right_n, 500);
  EXPECT_DOUBLE_EQ(c.raw_force_left_n(), 510) << "raw readings are kept for zeroing";

  const protocols::RangeOfMotion athlete{0.0, 0.09};
  EXPECT_DOUBLE_EQ(c.clamp(athlete).top_m, 0.09) << "no limits: unchanged";
  c.set_range_limits(0.01, 0.07);
  EXPECT_DOUBLE_EQ(c.clamp(athlete).bottom_m, 0.01);
  EXPECT_DOUBLE_EQ(c.clamp(athlete).top_m, 0.07);
  const auto inside = c.clamp({0.02, 0.05});
  EXPECT_DOUBLE_EQ(inside.bottom_m, 0.02);
  EXPECT_DOUBLE_EQ(inside.top_m, 0.05);
  const auto outside = c.clamp({0.08, 0.1});  // entirely above the limits
  EXPECT_DOUBLE_EQ(outside.bottom_m, 0.01);
  EXPECT_DOUBLE_EQ(outside.top_m, 0.07);
}

TEST_F(CoachOperatorStore, PrescriptionDiffNamesEachChangedField) {
  v1::SetPrescription before;
  before.set_reps(6);
  before.set_load_n(1500);
  before.mutable_tempo()->set_eccentric_s(3);
  v1::SetPrescription after = before;
  after.set_load_n(1650);
  after.mutable_tempo()->set_eccentric_s(4);
  const auto changes = diff_prescription(&before, after);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].field(), "load_n");
  EXPECT_EQ(changes[0].before(), "1500");
  EXPECT_EQ(changes[0].after(), "1650");
  EXPECT_EQ(changes[1].field(), "tempo.eccentric_s");
  EXPECT_TRUE(diff_prescription(&before, before).empty());
  const auto first = diff_prescription(nullptr, after);
  ASSERT_EQ(first.size(), 3u) << "a first prescription lists every field set";
  EXPECT_EQ(first[0].before(), "");

  // The audit row beside record_edit's: who, when, what.
  SessionStore store(db());
  PrescriptionStore rx(store);
  const auto row = rx.record_edit("anna", 3, after, "coach-lee", "calf-1", 5000);
  store.with_db([&](Database& d) {
    audit_prescription_diff(d, 5000, "coach-lee", "anna", row.version, 3, row.change_id,
                            "progress load", changes);
  });
  const auto log = rx.audit_log("anna");
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].action, "prescription_diff");
  EXPECT_EQ(log[1].actor, "coach-lee");
  EXPECT_EQ(log[1].at_unix_ms, 5000);
  const auto detail = nlohmann::json::parse(log[1].detail);
  EXPECT_EQ(detail["change_id"], row.change_id);
  EXPECT_EQ(detail["reason"], "progress load");
  EXPECT_EQ(detail["changes"][0]["field"], "load_n");
  EXPECT_EQ(detail["changes"][0]["before"], "1500");
}

TEST_F(CoachOperatorStore, SessionPagesAreNewestFirstAndFilteredByAthlete) {
  SessionStore store(db());
  for (int i = 0; i < 5; ++i)
    session(store, "a-" + std::to_string(i), "anna", kMonW47 + i * 1000, 1000, {});
  session(store, "b-0", "bob", kMonW47 + 10'000, 1000, {});
  store.with_db([&](Database& d) {
    SessionQuery q;
    q.athletes = std::vector<std::string>{"anna"};
    q.limit = 2;
    auto p1 = sessions_page(d, q);
    ASSERT_EQ(p1.sessions.size(), 2u);
    EXPECT_TRUE(p1.more);
    EXPECT_EQ(p1.sessions[0].session_id, "a-4");
    q.offset = 4;
    auto last = sessions_page(d, q);
    ASSERT_EQ(last.sessions.size(), 1u);
    EXPECT_FALSE(last.more);
    EXPECT_EQ(last.sessions[0].session_id, "a-0");
    q.athletes = std::vector<std::string>{};
    EXPECT_TRUE(sessions_page(d, q).sessions.empty()) << "a coach with no athletes sees none";
    EXPECT_EQ(list_athletes(d, std::nullopt).size(), 2u);
    EXPECT_EQ(list_athletes(d, std::vector<std::string>{"bob", "carl"}).size(), 1u);
  });
}

TEST(CallerScopeTest, EachRoleSeesWhatTheRoleTableSays) {
  const auto host = CallerScope::machine_host();
  EXPECT_TRUE(host.sees_all());
  EXPECT_TRUE(host.may_see("anyone"));
  EXPECT_EQ(host.actor(), "host");
  const CallerScope coach(Caller{"coach-anna", Role::kCoach, {"a-1", "a-2"}});
  EXPECT_TRUE(coach.may_see("a-2"));
  EXPECT_FALSE(coach.may_see("b-1"));
  const auto denied = coach.check("athlete_id", "b-1");
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(denied.error_message(), "athlete_id: coach coach-anna may not see athlete 'b-1'");
  EXPECT_EQ(*coach.athletes(), (std::vector<std::string>{"a-1", "a-2"}));
  const CallerScope athlete(Caller{"a-1", Role::kAthlete, {}});
  EXPECT_TRUE(athlete.may_see("a-1"));
  EXPECT_FALSE(athlete.may_see("a-2"));
  EXPECT_EQ(*athlete.athletes(), std::vector<std::string>{"a-1"});
  const CallerScope op(Caller{"op-1", Role::kOperator, {}});
  EXPECT_FALSE(op.sees_training_detail());
  EXPECT_FALSE(op.may_see("a-1"));
  EXPECT_TRUE(coach.sees_training_detail());

  EXPECT_EQ(access_for("/tempoload.v1.Coach/GetTrends", Role::kAthlete), Access::kAllowed);
  EXPECT_EQ(access_for("/tempoload.v1.Coach/AssignPrescription", Role::kAthlete), Access::kDenied);
  EXPECT_EQ(access_for("/tempoload.v1.Coach/AssignPrescription", Role::kCoach), Access::kAllowed);
  EXPECT_EQ(access_for("/tempoload.v1.Coach/ListAthletes", Role::kOperator), Access::kDenied);
  EXPECT_EQ(access_for("/tempoload.v1.Operator/Calibrate", Role::kOperator), Access::kAllowed);
  EXPECT_EQ(access_for("/tempoload.v1.Operator/Calibrate", Role::kCoach), Access::kDenied);
  EXPECT_EQ(access_for("/tempoload.v1.Operator/GetUsage", Role::kAthlete), Access::kDenied);
  EXPECT_EQ(access_for("/tempoload.v1.GuidedSession/StartSet", Role::kAthlete), Access::kDenied);
  EXPECT_EQ(access_for("/tempoload.v1.GuidedSession/GetSessionReport", Role::kAthlete),
            Access::kAllowed);
}

}  // namespace
}  // namespace tempoload::plugin
