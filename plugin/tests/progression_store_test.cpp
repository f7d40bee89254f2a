// The storage behind Coach.GetProgression, GetProgrammeSession and RecordMorningPain, on real
// SQLite files with synthetic times: UTC days, one morning-pain report per athlete and day (a
// second replaces the first), which session counts as the latest finished calf-raise session,
// the progression model's input read from it (last set, pain during, morning before / after /
// a week earlier) and the RM test the programme loads come from.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "plugin/storage/morning_pain.hpp"
#include "plugin/storage/progression_inputs.hpp"
#include "plugin/storage/session_store.hpp"
#include "plugin/storage/test_results.hpp"
#include "tempoload/v1/coach.pb.h"

namespace tempoload::plugin {
namespace {

namespace v1 = tempoload::v1;
namespace fs = std::filesystem;

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kHour = 3'600'000;
// Monday 2026-11-16 00:00 UTC = 20'773 days x 86'400'000 ms after 1970-01-01.
constexpr std::int64_t kNov16 = 1'794'787'200'000;

class ProgressionStore : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tempoload-progression-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = std::make_unique<SessionStore>(dir_ / "plugin.db");
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  static v1::SetPrescription rx(std::uint32_t reps, double load_n, bool eccentric_only = false) {
    v1::SetPrescription p;
    p.set_reps(reps);
    p.set_load_n(load_n);
    p.set_eccentric_only(eccentric_only);
    return p;
  }

  static v1::SetSummary summary(std::uint32_t counted) {
    v1::SetSummary s;
    s.set_reps_counted(counted);
    s.set_reps_attempted(counted);
    return s;
  }

  void begin(const std::string& id, const std::string& athlete, std::int64_t at,
             const v1::SetPrescription& p) {
    SessionStart s;
    s.session_id = id;
    s.athlete_id = athlete;
    s.machine_id = "calf-1";
    s.machine_model = "calf";
    s.started_at_unix_ms = at;
    s.prescription = p;
    store_->begin_session(s);
  }

  // A finished one-set calf-raise session with `counted` counted reps.
  void session(const std::string& id, const std::string& athlete, std::int64_t at,
               const v1::SetPrescription& p, std::uint32_t counted) {
    begin(id, athlete, at, p);
    store_->finish_session(id, summary(counted), at + 600'000);
  }

  void pain(const std::string& session_id, const std::string& athlete, int score) {
    store_->with_db([&](Database& db) {
      db.prepare(
            "INSERT INTO pain_reports(session_id, athlete_id, at_unix_ms, pain_0_10, location, "
            "stopped_set) VALUES (?, ?, 0, ?, '', 0)")
          .bind(1, session_id)
          .bind(2, athlete)
          .bind(3, static_cast<std::int64_t>(score))
          .run();
    });
  }

  void morning(const std::string& athlete, std::int64_t at, int score,
               const std::string& by = "host") {
    store_->with_db([&](Database& db) {
      save_morning_pain(db, {athlete, utc_day(at), score, at, by});
    });
  }

  std::optional<ProgressionInputs> inputs(const std::string& athlete,
                                          const std::string& session_id = "") {
    return store_->with_db(
        [&](Database& db) { return progression_inputs(db, athlete, session_id); });
  }

  fs::path dir_;
  std::unique_ptr<SessionStore> store_;
};

TEST(ProgressionStoreDay, IsTheUtcCalendarDayAlsoBefore1970) {
  EXPECT_EQ(utc_day(0), "1970-01-01");
  EXPECT_EQ(utc_day(kDay - 1), "1970-01-01");
  EXPECT_EQ(utc_day(-1), "1969-12-31");
  EXPECT_EQ(utc_day(kNov16), "2026-11-16");
  EXPECT_EQ(utc_day(kNov16 + 23 * kHour + 59 * 60'000), "2026-11-16");
  EXPECT_EQ(utc_day(kNov16 + 15 * kDay), "2026-12-01");
}

TEST_F(ProgressionStore, MorningPainKeepsOneReportPerAthleteAndUtcDayTheLastOne) {
  morning("anna", kNov16 + 6 * kHour, 3, "coach-a");
  morning("anna", kNov16 + 9 * kHour, 1, "anna");  // the same UTC day: replaces 3/10
  morning("anna", kNov16 + kDay + 6 * kHour, 4);   // the next day
  morning("bob", kNov16 + 6 * kHour, 7);           // another athlete, same day
  const auto rows = store_->with_db([](Database& db) { return morning_pain_reports(db, "anna"); });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].day, "2026-11-16");
  EXPECT_EQ(rows[0].pain_0_10, 1);
  EXPECT_EQ(rows[0].at_unix_ms, kNov16 + 9 * kHour);
  EXPECT_EQ(rows[0].recorded_by, "anna");
  EXPECT_EQ(rows[1].day, "2026-11-17");
  EXPECT_EQ(rows[1].pain_0_10, 4);
  const auto bob =
      store_->with_db([](Database& db) { return morning_pain_on(db, "bob", "2026-11-16"); });
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->pain_0_10, 7);
  EXPECT_FALSE(
      store_->with_db([](Database& db) { return morning_pain_on(db, "bob", "2026-11-17"); })
          .has_value());
}

TEST_F(ProgressionStore, LatestCalfRaiseSessionSkipsRunningDynamometerAndProtocolSessions) {
  session("old", "anna", kNov16 + 10 * kHour, rx(8, 1500), 9);
  session("new", "anna", kNov16 + 2 * kDay + 10 * kHour, rx(8, 1600), 8);
  session("bobs", "bob", kNov16 + 3 * kDay, rx(6, 1000), 6);  // another athlete, newer
  begin("running", "anna", kNov16 + 4 * kDay, rx(8, 1600));   // not finished
  {
    SessionStart s;  // a dynamometer test: no sets
    s.session_id = "dyn";
    s.athlete_id = "anna";
    s.machine_id = "dyn-1";
    s.machine_model = "dyn";
    s.started_at_unix_ms = kNov16 + 5 * kDay;
    v1::StartDynamometerTestRequest req;
    store_->begin_session(s, &req);
    store_->close_session("dyn", SessionResults{}, s.started_at_unix_ms + 60'000);
  }
  {
    begin("hold", "anna", kNov16 + 6 * kDay, rx(1, 800));  // an isometric hold
    SessionResults r{{{1, summary(1)}}, v1::SessionReport{}};
    r.protocol->mutable_isometric();
    store_->close_session("hold", r, kNov16 + 6 * kDay + 60'000);
  }
  const auto found =
      store_->with_db([](Database& db) { return find_calf_raise_session(db, "anna"); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->session_id, "new");
  EXPECT_EQ(found->prescription.load_n(), 1600);
  EXPECT_EQ(found->reps_counted, 8);

  // By id: the athlete's own finished calf-raise session, nothing else.
  auto by_id = [&](const std::string& athlete, const std::string& id) {
    return store_->with_db([&](Database& db) { return find_calf_raise_session(db, athlete, id); });
  };
  ASSERT_TRUE(by_id("anna", "old"));
  EXPECT_EQ(by_id("anna", "old")->prescription.load_n(), 1500);
  EXPECT_FALSE(by_id("anna", "bobs")) << "another athlete's session";
  EXPECT_FALSE(by_id("anna", "running"));
  EXPECT_FALSE(by_id("anna", "dyn"));
  EXPECT_FALSE(by_id("anna", "hold"));
  EXPECT_FALSE(by_id("anna", "nope"));
  EXPECT_FALSE(by_id("carl", "")) << "no sessions at all";
}

TEST_F(ProgressionStore, InputsComeFromTheLastSetThePainDuringAndTheMorningsAround) {
  // Wednesday 2026-11-18 10:00 UTC: 4 sets of 8 planned, 3 ran (8, 9 and 10 counted), set 4 was
  // begun and never summarised.
  const std::int64_t at = kNov16 + 2 * kDay + 10 * kHour;
  begin("hsr", "anna", at, rx(8, 1600));
  store_->begin_set("hsr", 2, rx(8, 1600), 150);
  store_->begin_set("hsr", 3, rx(8, 1650), 150);
  store_->begin_set("hsr", 4, rx(8, 1650), 150);  // begun, never summarised (stopped)
  store_->close_session(
      "hsr", SessionResults{{{1, summary(8)}, {2, summary(9)}, {3, summary(10)}}, std::nullopt},
      at + 900'000);
  pain("hsr", "anna", 2);
  pain("hsr", "anna", 4);
  pain("hsr", "anna", 3);
  morning("anna", kNov16 + 2 * kDay + 7 * kHour, 2);  // 2026-11-18, the session's day: before
  morning("anna", kNov16 + 3 * kDay + 7 * kHour, 1);  // 2026-11-19: after
  morning("anna", kNov16 + 3 * kDay - 7 * kDay + 7 * kHour, 3);  // 2026-11-12: a week earlier
  morning("anna", kNov16 + 4 * kDay + 7 * kHour, 9);             // 2026-11-20: not used

  const auto in = inputs("anna");
  ASSERT_TRUE(in);
  EXPECT_EQ(in->session.session_id, "hsr");
  EXPECT_EQ(in->session.set_index, 3) << "the last set with a summary";
  EXPECT_EQ(in->day_before, "2026-11-18");
  EXPECT_EQ(in->day_after, "2026-11-19");
  EXPECT_EQ(in->day_last_week, "2026-11-12");
  EXPECT_DOUBLE_EQ(in->input.load_n, 1650);
  EXPECT_EQ(in->input.target_reps, 8);
  EXPECT_EQ(in->input.reps_done, 10);
  EXPECT_DOUBLE_EQ(in->input.pain_during, 4) << "the highest of 2, 4 and 3";
  EXPECT_DOUBLE_EQ(in->input.morning_pain_before, 2);
  EXPECT_DOUBLE_EQ(in->input.morning_pain_after, 1);
  EXPECT_DOUBLE_EQ(in->input.morning_pain_last_week, 3);
  EXPECT_FALSE(in->require_pain_free);

  // The model on it: pain 4/10 is allowed (<= 5), mornings settled (1 <= 2, 1 <= 3), 10 - 8 = 2
  // reps above: progress, but pain above 2/10 caps the step at the smallest, 2%:
  // 1650 x 1.02 = 1683 N.
  const auto d = protocols::decide_progression(in->input);
  EXPECT_EQ(d.decision, protocols::Decision::kProgress);
  EXPECT_EQ(d.rule, 6);
  EXPECT_NEAR(d.next_load_n, 1683, 1e-9);
}

TEST_F(ProgressionStore, NoPainNoMorningsAndEccentricOnly) {
  session("alf", "anna", kNov16 + 10 * kHour, rx(15, 0, true), 15);
  const auto in = inputs("anna");
  ASSERT_TRUE(in);
  EXPECT_DOUBLE_EQ(in->input.pain_during, 0) << "no pain reports";
  EXPECT_DOUBLE_EQ(in->input.morning_pain_before, -1);
  EXPECT_DOUBLE_EQ(in->input.morning_pain_after, -1);
  EXPECT_DOUBLE_EQ(in->input.morning_pain_last_week, -1);
  EXPECT_TRUE(in->require_pain_free);
  EXPECT_EQ(in->input.reps_done, 15);
  EXPECT_FALSE(inputs("anna", "other"));
}

TEST_F(ProgressionStore, LatestRmTestIsTheOneStartSetUses) {
  EXPECT_FALSE(store_->with_db([](Database& db) { return latest_rm_test(db, "anna"); }));
  auto record = [&](const std::string& id, std::int64_t at, double load_n, std::uint32_t reps) {
    v1::TestResult r;
    r.set_id(id);
    r.set_athlete_id("anna");
    r.set_measured_at_unix_ms(at);
    r.set_recorded_by("coach-a");
    r.mutable_rm()->set_load_n(load_n);
    r.mutable_rm()->set_reps(reps);
    store_->with_db([&](Database& db) { save_test_result(db, r, at); });
  };
  record("test-new", kNov16 + 2 * kDay, 1700, 6);
  record("test-old", kNov16, 1500, 10);  // recorded later, measured earlier
  const auto rm = store_->with_db([](Database& db) { return latest_rm_test(db, "anna"); });
  ASSERT_TRUE(rm);
  EXPECT_EQ(rm->test_id, "test-new");
  EXPECT_EQ(rm->reps, 6);
  EXPECT_DOUBLE_EQ(rm->load_n, 1700);
  // Epley: 1700 x (1 + 6/30) = 1700 x 1.2 = 2040 N.
  EXPECT_NEAR(rm->one_rm_n, 2040, 1e-9);
  const auto one_rm = store_->with_db([](Database& db) { return latest_one_rm_n(db, "anna"); });
  ASSERT_TRUE(one_rm);
  EXPECT_DOUBLE_EQ(rm->one_rm_n, *one_rm);
}

}  // namespace
}  // namespace tempoload::plugin
