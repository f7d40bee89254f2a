// Progression and programmes through the Coach API (issue 3), over the real TLS listener with
// real tokens: GetProgression's decision (rules 1, 2, 4, 5 and 6 of protocols/progression.hpp)
// from seeded calf-raise sessions, their pain reports and the morning pain recorded with
// RecordMorningPain; RecordMorningPain's one-row-per-UTC-day and its validation;
// GetProgrammeSession's HSR and Alfredson prescriptions with loads from the RM test on record;
// who may call what; and tempoloadctl's coach progression / programme / morning-pain commands.
// Sessions are seeded into the plugin's database before the plugin starts, so no set has to
// run. Every expected number is computed by hand in a comment next to it.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "plugin/storage/morning_pain.hpp"
#include "plugin/storage/session_store.hpp"
#include "tempoload/v1/coach.grpc.pb.h"
#include "tests/integration/stack.hpp"
#include "tests/integration/tls_plugin.hpp"

namespace tempoload::testing {
namespace {

namespace v1 = tempoload::v1;
using std::chrono::seconds;
using Code = grpc::StatusCode;

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kHour = 3'600'000;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

struct Seed {
  std::string id, athlete;
  std::int64_t at = 0;
  std::uint32_t reps = 8;
  double load_n = 1600;
  std::uint32_t counted = 8;
  std::vector<int> pain;  // pain reports during the session, 0-10
  bool eccentric_only = false;
};

// A finished one-set calf-raise session with `counted` reps counted and its pain reports.
void seed_session(plugin::SessionStore& store, const Seed& s) {
  plugin::SessionStart start;
  start.session_id = s.id;
  start.athlete_id = s.athlete;
  start.machine_id = "calf-it-1";
  start.machine_model = "calf";
  start.started_at_unix_ms = s.at;
  start.prescription.set_reps(s.reps);
  start.prescription.set_load_n(s.load_n);
  start.prescription.set_eccentric_only(s.eccentric_only);
  store.begin_session(start);
  for (std::uint32_t i = 1; i <= s.counted; ++i) {
    v1::RepResult r;
    r.set_index(i);
    r.set_counted(true);
    r.set_verdict(v1::REP_VERDICT_COUNTED);
    r.set_completed_at_unix_ms(s.at + i * 8000);
    store.add_rep(s.id, r);
  }
  store.with_db([&](plugin::Database& db) {
    for (std::size_t i = 0; i < s.pain.size(); ++i)
      db.prepare(
            "INSERT INTO pain_reports(session_id, athlete_id, at_unix_ms, pain_0_10, location, "
            "stopped_set) VALUES (?, ?, ?, ?, 'achilles', 0)")
          .bind(1, s.id)
          .bind(2, s.athlete)
          .bind(3, s.at + static_cast<std::int64_t>(i + 1) * 10'000)
          .bind(4, static_cast<std::int64_t>(s.pain[i]))
          .run();
  });
  v1::SetSummary summary;
  summary.set_reps_counted(s.counted);
  summary.set_reps_attempted(s.counted);
  summary.set_end_reason("target reached");
  store.finish_session(s.id, summary, s.at + 10 * 60'000);
}

class Progression : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stack_.start_sim()) << stack_.logs();
    ASSERT_TRUE(tls_.make_certificate()) << "openssl could not make a test certificate";
    host_ = issue({"--id", "host-1", "--role", "host"});
    coach_ =
        issue({"--id", "coach-a", "--role", "coach", "--athlete", "hsr-ok", "--athlete", "mp"});
    operator_ = issue({"--id", "op-1", "--role", "operator"});
    athlete_ = issue({"--id", "hsr-ok", "--role", "athlete"});
    athlete_mp_ = issue({"--id", "mp", "--role", "athlete"});
    // Day 0 is a UTC midnight 10 days ago; every session is at 10:00 UTC, mornings at 07:00.
    day0_ = now_ms() / kDay * kDay - 10 * kDay;
    {
      plugin::SessionStore store(stack_.plugin_db());
      // (a) 10 of 8 reps at 1600 N, pain during 3/10 (and 1/10).
      seed_session(store, {"s-ok", "hsr-ok", day0_ + 10 * kHour, 8, 1600, 10, {1, 3}});
      // An older session of the same athlete, which the latest one supersedes.
      seed_session(store, {"s-ok-old", "hsr-ok", day0_ - 2 * kDay + 10 * kHour, 8, 1500, 8, {}});
      // (b) pain during 7/10.
      seed_session(store, {"s-pain", "hsr-pain", day0_ + 10 * kHour, 8, 1600, 10, {2, 7, 4}});
      // (c) pain during 2/10, and the morning after worse than the morning before (below).
      seed_session(store, {"s-morning", "hsr-morning", day0_ + 10 * kHour, 8, 1600, 10, {2}});
      // (d) Alfredson (eccentric only), 15 of 15 at 100 N added load, pain during 2/10.
      seed_session(store, {"s-alf", "alf", day0_ + 10 * kHour, 15, 100, 15, {2}, true});
      // (e) a session on day 3, whose morning RecordMorningPain reports.
      seed_session(store, {"s-mp", "mp", day0_ + 3 * kDay + 10 * kHour, 8, 1000, 8, {}});
      // A dynamometer test only: no calf-raise session.
      plugin::SessionStart dyn;
      dyn.session_id = "s-dyn";
      dyn.athlete_id = "dyn-only";
      dyn.machine_id = "calf-it-1";
      dyn.machine_model = "dyn";
      dyn.started_at_unix_ms = day0_ + 10 * kHour;
      v1::StartDynamometerTestRequest req;
      store.begin_session(dyn, &req);
      store.close_session("s-dyn", plugin::SessionResults{}, day0_ + 11 * kHour);
    }
    ASSERT_TRUE(tls_.start()) << tls_.log_tail();
    tls_port_ = tls_.tls_port();
  }

  std::string issue(std::vector<std::string> args) { return tls_.issue(std::move(args)); }

  using CtlResult = TlsPlugin::CtlResult;
  CtlResult ctl(std::vector<std::string> args, const std::string& token) {
    return tls_.ctl(std::move(args), token);
  }

  std::unique_ptr<v1::Coach::Stub> coach(const std::string& token) {
    return v1::Coach::NewStub(tls_.channel(token));
  }
  static std::unique_ptr<grpc::ClientContext> ctx() {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(std::chrono::system_clock::now() + seconds(10));
    return c;
  }

  grpc::Status progression(const std::string& token, const std::string& athlete,
                           v1::ProgressionAdvice& out, const std::string& session_id = "") {
    v1::GetProgressionRequest q;
    q.set_athlete_id(athlete);
    q.set_session_id(session_id);
    return coach(token)->GetProgression(ctx().get(), q, &out);
  }
  grpc::Status morning(const std::string& token, const std::string& athlete, std::uint32_t pain,
                       std::int64_t at, v1::MorningPain* out = nullptr) {
    v1::RecordMorningPainRequest q;
    q.set_athlete_id(athlete);
    q.set_pain_0_10(pain);
    q.set_at_unix_ms(at);
    v1::MorningPain r;
    return coach(token)->RecordMorningPain(ctx().get(), q, out ? out : &r);
  }
  grpc::Status programme(const std::string& token, v1::GetProgrammeSessionRequest q,
                         v1::ProgrammeSession& out) {
    return coach(token)->GetProgrammeSession(ctx().get(), q, &out);
  }
  static v1::GetProgrammeSessionRequest programme_req(const std::string& athlete, v1::Programme p,
                                                      std::uint32_t week, std::uint32_t session) {
    v1::GetProgrammeSessionRequest q;
    q.set_athlete_id(athlete);
    q.set_programme(p);
    q.set_week(week);
    q.set_session(session);
    return q;
  }

  // morning_pain rows of an athlete, read from the running plugin's database (read-only).
  std::vector<plugin::MorningPainRow> stored_mornings(const std::string& athlete) {
    plugin::Database db(stack_.plugin_db(), plugin::Database::Mode::kReadOnly);
    return plugin::morning_pain_reports(db, athlete);
  }

  Stack stack_;
  TlsPlugin tls_{stack_};
  int tls_port_ = -1;
  std::int64_t day0_ = 0;
  std::string host_, coach_, operator_, athlete_, athlete_mp_;
};

TEST_F(Progression, SettledPainProgressesByTheSmallestStepWhilePainIsAcceptable) {
  // Mornings (RecordMorningPain, host): the session's day 2/10, the next day 2/10 (settled),
  // the day after a week earlier (day 1 - 7 = day -6) 3/10; a later morning that is not used.
  ASSERT_TRUE(morning(host_, "hsr-ok", 2, day0_ + 7 * kHour).ok());
  ASSERT_TRUE(morning(host_, "hsr-ok", 2, day0_ + kDay + 7 * kHour).ok());
  ASSERT_TRUE(morning(host_, "hsr-ok", 3, day0_ - 6 * kDay + 7 * kHour).ok());
  ASSERT_TRUE(morning(host_, "hsr-ok", 9, day0_ + 2 * kDay + 7 * kHour).ok());
  v1::ProgressionAdvice a;
  const auto s = progression(coach_, "hsr-ok", a);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(a.athlete_id(), "hsr-ok");
  EXPECT_EQ(a.session_id(), "s-ok") << "the latest finished calf-raise session";
  // Rule 1: 3 <= 5. Rule 2: after 2 <= before 2. Rule 3: after 2 <= last week 3. Rule 4: not
  // eccentric-only. Rule 5: 10 - 8 = 2 reps above >= 1. Rule 6: 0.025 x 2 = 5%, but pain 3/10
  // is above the safe 2/10, so the smallest step, 2%: 1600 x 1.02 = 1632 N.
  EXPECT_EQ(a.decision(), "progress");
  EXPECT_EQ(a.rule(), 6u);
  EXPECT_DOUBLE_EQ(a.load_change_fraction(), 0.02);
  EXPECT_DOUBLE_EQ(a.current_load_n(), 1600);
  EXPECT_NEAR(a.next_load_n(), 1632, 1e-9);
  EXPECT_EQ(a.target_reps(), 8u);
  EXPECT_EQ(a.reps_done(), 10u);
  EXPECT_DOUBLE_EQ(a.pain_during(), 3) << "the highest of 1/10 and 3/10";
  EXPECT_DOUBLE_EQ(a.morning_pain_before(), 2);
  EXPECT_DOUBLE_EQ(a.morning_pain_after(), 2);
  EXPECT_DOUBLE_EQ(a.morning_pain_last_week(), 3);
  EXPECT_FALSE(a.require_pain_free());
  EXPECT_NE(a.reason().find("2 reps above the target of 8"), std::string::npos) << a.reason();
  EXPECT_NE(a.reason().find("add 2.0%"), std::string::npos) << a.reason();

  // The older session by id: 8 of 8 at 1500 N, no pain, no mornings on its days (day -2, -1,
  // -8): 0 reps above -> rule 5, repeat 1500 N.
  ASSERT_TRUE(progression(athlete_, "hsr-ok", a, "s-ok-old").ok());
  EXPECT_EQ(a.session_id(), "s-ok-old");
  EXPECT_EQ(a.decision(), "repeat");
  EXPECT_EQ(a.rule(), 5u);
  EXPECT_DOUBLE_EQ(a.next_load_n(), 1500);
  EXPECT_DOUBLE_EQ(a.morning_pain_before(), -1);
  EXPECT_DOUBLE_EQ(a.morning_pain_after(), -1);
  EXPECT_DOUBLE_EQ(a.morning_pain_last_week(), -1);

  // The same through tempoloadctl.
  const auto r = ctl({"coach", "progression", "--athlete", "hsr-ok"}, coach_);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("progress (rule 6): +2.0 %, next load 1632 N"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("load 1600 N, 10 reps counted for a target of 8, pain during 3/10"),
            std::string::npos)
      << r.out;
}

TEST_F(Progression, PainDuringAboveFiveReducesByRuleOne) {
  v1::ProgressionAdvice a;
  ASSERT_TRUE(progression(host_, "hsr-pain", a).ok());
  // Highest of 2, 7 and 4 is 7/10 > 5/10: reduce by 10%, 1600 x 0.9 = 1440 N.
  EXPECT_EQ(a.decision(), "reduce");
  EXPECT_EQ(a.rule(), 1u);
  EXPECT_DOUBLE_EQ(a.pain_during(), 7);
  EXPECT_DOUBLE_EQ(a.load_change_fraction(), -0.10);
  EXPECT_NEAR(a.next_load_n(), 1440, 1e-9);
  EXPECT_NE(a.reason().find("7/10"), std::string::npos) << a.reason();
  EXPECT_NE(a.reason().find("5/10"), std::string::npos) << a.reason();
  EXPECT_EQ(a.reason(),
            "pain during exercise 7/10 is above the limit 5/10: reduce the load by 10.0%");
}

TEST_F(Progression, MorningAfterWorseThanBeforeReducesByRuleTwo) {
  ASSERT_TRUE(morning(host_, "hsr-morning", 1, day0_ + 6 * kHour).ok());         // before: 1
  ASSERT_TRUE(morning(host_, "hsr-morning", 3, day0_ + kDay + 6 * kHour).ok());  // after: 3
  v1::ProgressionAdvice a;
  ASSERT_TRUE(progression(host_, "hsr-morning", a).ok());
  // Pain during 2/10 passes rule 1; after 3 > before 1 + 0: reduce 10%, 1600 x 0.9 = 1440 N.
  EXPECT_EQ(a.decision(), "reduce");
  EXPECT_EQ(a.rule(), 2u);
  EXPECT_DOUBLE_EQ(a.morning_pain_before(), 1);
  EXPECT_DOUBLE_EQ(a.morning_pain_after(), 3);
  EXPECT_DOUBLE_EQ(a.morning_pain_last_week(), -1);
  EXPECT_NEAR(a.next_load_n(), 1440, 1e-9);
  EXPECT_NE(a.reason().find("(3/10, was 1/10)"), std::string::npos) << a.reason();
}

TEST_F(Progression, EccentricOnlyWithPainRepeatsByRuleFour) {
  v1::ProgressionAdvice a;
  ASSERT_TRUE(progression(host_, "alf", a).ok());
  // Alfredson: load is added only pain-free; 2/10 > 0 -> repeat 100 N (change 0).
  EXPECT_TRUE(a.require_pain_free());
  EXPECT_EQ(a.decision(), "repeat");
  EXPECT_EQ(a.rule(), 4u);
  EXPECT_DOUBLE_EQ(a.load_change_fraction(), 0);
  EXPECT_DOUBLE_EQ(a.next_load_n(), 100);
  EXPECT_EQ(a.target_reps(), 15u);
  EXPECT_EQ(a.reps_done(), 15u);
  EXPECT_NE(a.reason().find("pain-free"), std::string::npos) << a.reason();
}

TEST_F(Progression, MorningPainIsOnePerUtcDayAndValidated) {
  // The athlete reports at 07:00 of day 3, the coach corrects it at 09:00: one row, the second.
  v1::MorningPain m;
  ASSERT_TRUE(morning(athlete_mp_, "mp", 4, day0_ + 3 * kDay + 7 * kHour, &m).ok());
  EXPECT_EQ(m.day(), plugin::utc_day(day0_ + 3 * kDay));
  EXPECT_EQ(m.pain_0_10(), 4u);
  ASSERT_TRUE(morning(coach_, "mp", 2, day0_ + 3 * kDay + 9 * kHour, &m).ok());
  EXPECT_EQ(m.at_unix_ms(), day0_ + 3 * kDay + 9 * kHour);
  auto rows = stored_mornings("mp");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].pain_0_10, 2);
  EXPECT_EQ(rows[0].recorded_by, "coach-a");
  EXPECT_EQ(rows[0].at_unix_ms, day0_ + 3 * kDay + 9 * kHour);
  // The session of day 3 sees the second report as its morning before (8 of 8: repeat, rule 5).
  v1::ProgressionAdvice a;
  ASSERT_TRUE(progression(athlete_mp_, "mp", a).ok());
  EXPECT_DOUBLE_EQ(a.morning_pain_before(), 2);
  EXPECT_EQ(a.rule(), 5u);

  // 0 = now: today's row, recorded by the athlete themselves.
  const std::int64_t before = now_ms();
  ASSERT_TRUE(morning(athlete_mp_, "mp", 0, 0, &m).ok());
  EXPECT_GE(m.at_unix_ms(), before);
  EXPECT_EQ(m.day(), plugin::utc_day(m.at_unix_ms()));
  rows = stored_mornings("mp");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].recorded_by, "mp");

  // Refused, naming the field, and nothing stored.
  auto s = morning(host_, "mp", 11, day0_ + 7 * kHour);
  EXPECT_EQ(s.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_TRUE(starts_with(s.error_message(), "pain_0_10: ")) << s.error_message();
  s = morning(host_, "mp", 3, now_ms() + kHour);
  EXPECT_EQ(s.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_TRUE(starts_with(s.error_message(), "at_unix_ms: ")) << s.error_message();
  s = morning(host_, "mp", 3, -5);
  EXPECT_EQ(s.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_TRUE(starts_with(s.error_message(), "at_unix_ms: ")) << s.error_message();
  s = morning(host_, "not valid!", 3, 0);
  EXPECT_EQ(s.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_TRUE(starts_with(s.error_message(), "athlete_id: ")) << s.error_message();
  EXPECT_EQ(stored_mornings("mp").size(), 2u);

  // tempoloadctl: pain 11 is refused (exit 2), a valid one recorded (exit 0).
  auto r = ctl({"coach", "morning-pain", "--athlete", "mp", "--pain", "11"}, coach_);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  r = ctl({"coach", "morning-pain", "--athlete", "mp", "--pain", "1"}, coach_);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("athlete mp: morning pain 1/10 on " + plugin::utc_day(now_ms())),
            std::string::npos)
      << r.out;
}

TEST_F(Progression, ProgrammeSessionsWithLoadsFromTheRmOnRecord) {
  // An RM test: 6 reps at 1700 N. Epley 1RM = 1700 x (1 + 6/30) = 2040 N.
  v1::RecordTestResultRequest t;
  t.set_athlete_id("rm-athlete");
  t.set_measured_at_unix_ms(day0_ + 9 * kHour);
  t.mutable_rm()->set_load_n(1700);
  t.mutable_rm()->set_reps(6);
  v1::TestResult recorded;
  ASSERT_TRUE(coach(host_)->RecordTestResult(ctx().get(), t, &recorded).ok());

  // HSR week 6 is the 4 x 8RM block: 8RM = 2040 / (1 + 8/30) = 2040 x 30 / 38 = 1610.53 N.
  v1::ProgrammeSession p;
  auto s = programme(host_, programme_req("rm-athlete", v1::PROGRAMME_HSR, 6, 1), p);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(p.block(), "4 x 8RM");
  ASSERT_EQ(p.exercises_size(), 1) << "standing only (knee unspecified)";
  const auto& e = p.exercises(0);
  EXPECT_EQ(e.sets(), 4u);
  EXPECT_EQ(e.reps(), 8u);
  EXPECT_NEAR(e.load_n(), 1610.53, 1.0);
  EXPECT_EQ(e.target_rm(), 0u) << "the load is given";
  EXPECT_DOUBLE_EQ(e.rest_s(), 150);
  EXPECT_EQ(e.knee(), v1::KNEE_STRAIGHT);
  EXPECT_EQ(e.leg(), v1::LEG_UNSPECIFIED);
  EXPECT_FALSE(e.eccentric_only());
  // Tempo 3 s up, 3 s down (0 = 3), 0.5 s at the bottom; counted when lowering takes 3-5 s.
  EXPECT_DOUBLE_EQ(e.tempo().concentric_s(), 3);
  EXPECT_DOUBLE_EQ(e.tempo().eccentric_s(), 3);
  EXPECT_DOUBLE_EQ(e.tempo().bottom_pause_s(), 0.5);
  EXPECT_DOUBLE_EQ(e.tempo().eccentric_min_s(), 3);
  EXPECT_DOUBLE_EQ(e.tempo().eccentric_max_s(), 5);
  EXPECT_NE(p.load_source().find("Epley"), std::string::npos) << p.load_source();
  EXPECT_NE(p.load_source().find("6 reps at 1700 N"), std::string::npos) << p.load_source();
  EXPECT_NE(p.load_source().find(plugin::utc_day(day0_)), std::string::npos) << p.load_source();
  EXPECT_NE(p.load_source().find(recorded.id()), std::string::npos) << p.load_source();

  // Week 1 seated, lowering 4 s: 3 x 15RM = 2040 / (1 + 15/30) = 1360 N, knee bent.
  auto q = programme_req("rm-athlete", v1::PROGRAMME_HSR, 1, 3);
  q.set_knee(v1::KNEE_BENT);
  q.set_lowering_s(4);
  EXPECT_EQ(programme(coach_, q, p).error_code(), Code::PERMISSION_DENIED)
      << "coach-a does not coach rm-athlete";
  ASSERT_TRUE(programme(host_, q, p).ok());
  EXPECT_EQ(p.block(), "3 x 15RM");
  ASSERT_EQ(p.exercises_size(), 1);
  EXPECT_EQ(p.exercises(0).sets(), 3u);
  EXPECT_NEAR(p.exercises(0).load_n(), 1360, 1e-6);
  EXPECT_EQ(p.exercises(0).knee(), v1::KNEE_BENT);
  EXPECT_DOUBLE_EQ(p.exercises(0).tempo().eccentric_s(), 4);

  // No RM on record: target_rm 8, load 0, and the source says so.
  ASSERT_TRUE(programme(host_, programme_req("no-rm", v1::PROGRAMME_HSR, 6, 2), p).ok());
  ASSERT_EQ(p.exercises_size(), 1);
  EXPECT_EQ(p.exercises(0).target_rm(), 8u);
  EXPECT_DOUBLE_EQ(p.exercises(0).load_n(), 0);
  EXPECT_EQ(p.exercises(0).sets(), 4u);
  EXPECT_TRUE(starts_with(p.load_source(), "no RM test on record")) << p.load_source();

  // Alfredson: 3 x 15 knee straight, then 3 x 15 knee bent, eccentric only, the left leg
  // (unspecified = left), body weight.
  ASSERT_TRUE(programme(host_, programme_req("no-rm", v1::PROGRAMME_ALFREDSON, 2, 14), p).ok());
  EXPECT_EQ(p.block(), "3 x 15 eccentric, knee straight + knee bent");
  ASSERT_EQ(p.exercises_size(), 2);
  for (int i = 0; i < 2; ++i) {
    SCOPED_TRACE(i);
    const auto& x = p.exercises(i);
    EXPECT_EQ(x.sets(), 3u);
    EXPECT_EQ(x.reps(), 15u);
    EXPECT_TRUE(x.eccentric_only());
    EXPECT_EQ(x.leg(), v1::LEG_LEFT);
    EXPECT_DOUBLE_EQ(x.load_n(), 0);
    EXPECT_EQ(x.target_rm(), 0u);
    EXPECT_DOUBLE_EQ(x.rest_s(), 150);
  }
  EXPECT_EQ(p.exercises(0).knee(), v1::KNEE_STRAIGHT);
  EXPECT_EQ(p.exercises(1).knee(), v1::KNEE_BENT);
  auto right = programme_req("no-rm", v1::PROGRAMME_ALFREDSON, 1, 1);
  right.set_injured_leg(v1::LEG_RIGHT);
  ASSERT_TRUE(programme(host_, right, p).ok());
  EXPECT_EQ(p.exercises(1).leg(), v1::LEG_RIGHT);

  // Bad requests name the field.
  const std::pair<v1::GetProgrammeSessionRequest, std::string> bad[] = {
      {programme_req("rm-athlete", v1::PROGRAMME_HSR, 13, 1), "week: "},
      {programme_req("rm-athlete", v1::PROGRAMME_HSR, 0, 1), "week: "},
      {programme_req("rm-athlete", v1::PROGRAMME_HSR, 6, 4), "session: "},
      {programme_req("rm-athlete", v1::PROGRAMME_ALFREDSON, 6, 15), "session: "},
      {programme_req("rm-athlete", v1::PROGRAMME_UNSPECIFIED, 6, 1), "programme: "},
      {[] {
         auto r = programme_req("rm-athlete", v1::PROGRAMME_HSR, 6, 1);
         r.set_lowering_s(6);
         return r;
       }(),
       "lowering_s: "},
  };
  for (const auto& [req, field] : bad) {
    SCOPED_TRACE(field);
    s = programme(host_, req, p);
    EXPECT_EQ(s.error_code(), Code::INVALID_ARGUMENT);
    EXPECT_TRUE(starts_with(s.error_message(), field)) << s.error_message();
  }
  s = programme(host_, programme_req("rm-athlete", v1::PROGRAMME_HSR, 13, 1), p);
  EXPECT_EQ(s.error_message(), "week: 13 is outside [1, 12]");

  // tempoloadctl: the table, and a usage error.
  auto r = ctl({"coach", "programme", "--athlete", "rm-athlete", "--programme", "hsr", "--week",
                "6", "--session", "1"},
               host_);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("HSR week 6 session 1, 4 x 8RM"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1611"), std::string::npos) << r.out;
  r = ctl({"coach", "programme", "--athlete", "rm-athlete", "--programme", "yoga", "--week", "6",
           "--session", "1"},
          host_);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  r = ctl({"coach", "programme", "--athlete", "rm-athlete", "--programme", "hsr", "--week", "13",
           "--session", "1"},
          host_);
  EXPECT_EQ(r.exit_code, 2) << r.out;
}

TEST_F(Progression, RolesAndMissingSessions) {
  v1::ProgressionAdvice a;
  v1::ProgrammeSession p;
  // An athlete reads themselves, not another athlete.
  EXPECT_TRUE(progression(athlete_, "hsr-ok", a).ok());
  auto s = progression(athlete_, "hsr-pain", a);
  EXPECT_EQ(s.error_code(), Code::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(), "athlete_id: athlete hsr-ok may not see athlete 'hsr-pain'");
  s = programme(athlete_, programme_req("hsr-pain", v1::PROGRAMME_HSR, 1, 1), p);
  EXPECT_EQ(s.error_code(), Code::PERMISSION_DENIED);
  EXPECT_TRUE(programme(athlete_, programme_req("hsr-ok", v1::PROGRAMME_HSR, 1, 1), p).ok());
  s = morning(athlete_, "hsr-pain", 2, 0);
  EXPECT_EQ(s.error_code(), Code::PERMISSION_DENIED);
  // A coach: only the athletes on the token.
  s = progression(coach_, "hsr-pain", a);
  EXPECT_EQ(s.error_code(), Code::PERMISSION_DENIED);
  s = morning(coach_, "alf", 2, 0);
  EXPECT_EQ(s.error_code(), Code::PERMISSION_DENIED);
  // Operators may call nothing here; no token is unauthenticated.
  s = progression(operator_, "hsr-ok", a);
  EXPECT_EQ(s.error_code(), Code::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(), "role operator may not call /tempoload.v1.Coach/GetProgression");
  s = programme(operator_, programme_req("hsr-ok", v1::PROGRAMME_HSR, 1, 1), p);
  EXPECT_EQ(s.error_code(), Code::PERMISSION_DENIED);
  s = morning(operator_, "hsr-ok", 2, 0);
  EXPECT_EQ(s.error_code(), Code::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(), "role operator may not call /tempoload.v1.Coach/RecordMorningPain");
  EXPECT_EQ(progression("", "hsr-ok", a).error_code(), Code::UNAUTHENTICATED);
  EXPECT_TRUE(stored_mornings("hsr-ok").empty()) << "refused calls stored nothing";
  EXPECT_TRUE(stored_mornings("hsr-pain").empty());
  EXPECT_TRUE(stored_mornings("alf").empty());

  // NOT_FOUND: no session at all, only a dynamometer test, another athlete's session.
  s = progression(host_, "nobody", a);
  EXPECT_EQ(s.error_code(), Code::NOT_FOUND);
  EXPECT_TRUE(starts_with(s.error_message(), "athlete_id: ")) << s.error_message();
  s = progression(host_, "dyn-only", a);
  EXPECT_EQ(s.error_code(), Code::NOT_FOUND) << "a dynamometer test is not a calf-raise session";
  s = progression(host_, "hsr-ok", a, "s-pain");
  EXPECT_EQ(s.error_code(), Code::NOT_FOUND);
  EXPECT_TRUE(starts_with(s.error_message(), "session_id: ")) << s.error_message();
  const auto r = ctl({"coach", "progression", "--athlete", "nobody"}, host_);
  EXPECT_EQ(r.exit_code, 3) << r.out;
}

}  // namespace
}  // namespace tempoload::testing
