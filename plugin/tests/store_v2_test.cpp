// The storage additions on real files: raw samples (codec and pruning), fault durations, a
// full disk reported without losing what was stored, recovery of sessions left running, usage
// reports, and prescriptions (cache, local edits, conflicts, audit log).
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "plugin/session/recovery.hpp"
#include "plugin/storage/prescription_store.hpp"
#include "plugin/storage/sample_codec.hpp"
#include "plugin/storage/session_store.hpp"
#include "plugin/usage/usage_log.hpp"

namespace tempoload::plugin {
namespace {

namespace v1 = tempoload::v1;
namespace fs = std::filesystem;

class StoreV2 : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tempoload-store2-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path db() const { return dir_ / "plugin.db"; }

  static SessionStart start(const std::string& id, const std::string& athlete, std::int64_t at_ms) {
    SessionStart s;
    s.session_id = id;
    s.athlete_id = athlete;
    s.machine_id = "calf-1";
    s.machine_model = "calf";
    s.started_at_unix_ms = at_ms;
    s.prescription.set_reps(3);
    return s;
  }
  static v1::RepResult rep(std::uint32_t index, bool counted, std::int64_t at_ms) {
    v1::RepResult r;
    r.set_index(index);
    r.set_counted(counted);
    r.set_verdict(counted ? v1::REP_VERDICT_COUNTED : v1::REP_VERDICT_TOO_FAST);
    r.set_eccentric_s(counted ? 1.5 : 0.6);
    r.set_concentric_s(1.0);
    r.set_mean_force_left_n(1000);
    r.set_mean_force_right_n(1200);
    r.set_completed_at_unix_ms(at_ms);
    return r;
  }
  fs::path dir_;
};

TEST(SampleCodec, RoundTripsWithinTheQuantisationAndStaysCompact) {
  std::vector<RawSample> samples;
  for (int i = 0; i < 1000; ++i) {
    const double t = i * 0.01;
    samples.push_back(
        {t, 1200 + 300 * std::sin(t), 1400 + 350 * std::sin(t), 0.045 + 0.045 * std::sin(2 * t)});
  }
  const std::string blob = encode_samples(samples);
  EXPECT_LT(blob.size(), samples.size() * 8) << "delta varints: under 2 bytes a value";
  const auto back = decode_samples(blob);
  ASSERT_EQ(back.size(), samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    EXPECT_NEAR(back[i].t_s, samples[i].t_s, 0.0005);
    EXPECT_NEAR(back[i].force_left_n, samples[i].force_left_n, 0.05);
    EXPECT_NEAR(back[i].force_right_n, samples[i].force_right_n, 0.05);
    EXPECT_NEAR(back[i].position_m, samples[i].position_m, 0.000005);
  }
  EXPECT_TRUE(decode_samples(encode_samples({})).empty());
}

TEST(SampleCodec, CorruptBlobsAreRefusedSayingWhatIsWrong) {
  const std::string good = encode_samples({{0, 1, 2, 0.01}, {0.01, 1, 2, 0.02}});
  auto error_of = [](const std::string& blob) {
    try {
      decode_samples(blob);
    } catch (const SampleCodecError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("XXXX" + good.substr(4)).find("bad magic"), std::string::npos);
  EXPECT_NE(error_of(good.substr(0, good.size() - 1)).find("truncated in channel 'position'"),
            std::string::npos);
  EXPECT_NE(error_of(good + "x").find("trailing"), std::string::npos);
}

TEST_F(StoreV2, SamplesAreStoredAndPrunedLeavingTheResults) {
  SessionStore store(db());
  store.begin_session(start("s1", "a", 1000));
  store.add_rep("s1", rep(1, true, 2000));
  store.finish_session("s1", {}, 3000);
  const std::string blob = encode_samples({{0, 1, 2, 0.01}, {0.01, 3, 4, 0.02}});
  store.store_samples("s1", 1, blob, 2, 5, 3000);
  auto stored = store.load_samples("s1", 1);
  ASSERT_TRUE(stored && stored->blob);
  EXPECT_EQ(*stored->blob, blob);
  EXPECT_EQ(stored->dropped, 5);

  EXPECT_EQ(store.prune_samples("s1", 4000), 1);
  stored = store.load_samples("s1", 1);
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->blob) << "pruned";
  EXPECT_EQ(stored->pruned_at_unix_ms, 4000);
  EXPECT_EQ(stored->sample_count, 2) << "the record of what was there stays";
  EXPECT_EQ(store.load_report("s1")->sets(0).reps_size(), 1) << "results are never pruned";
}

TEST_F(StoreV2, FaultsLastUntilClearedAndTheReportCarriesThem) {
  SessionStore store(db());
  store.begin_session(start("s1", "a", 1000));
  store.add_fault("s1", "estop", "e-stop pressed", 2000);
  EXPECT_TRUE(store.has_active_faults());
  const auto report = store.finish_session("s1", {}, 2500);
  ASSERT_EQ(report.usage().faults_size(), 1);
  EXPECT_EQ(report.usage().faults(0).cleared_at_unix_ms(), 0) << "still active when reported";
  EXPECT_DOUBLE_EQ(report.usage().faults(0).duration_s(), 0.5) << "up to the session's end";

  EXPECT_EQ(store.clear_active_faults(62'000), 1);
  EXPECT_FALSE(store.has_active_faults());
  const auto later = store.load_report("s1");
  EXPECT_EQ(later->usage().faults(0).cleared_at_unix_ms(), 62'000);
  EXPECT_DOUBLE_EQ(later->usage().faults(0).duration_s(), 60.0);
}

TEST_F(StoreV2, FullDiskIsAClearErrorAndLosesNothingStored) {
  SessionStore store(db());
  store.begin_session(start("s1", "a", 1000));
  store.add_rep("s1", rep(1, true, 2000));
  // Cap the file at its current size: the next page SQLite needs is "disk full".
  store.with_db([](Database& d) {
    auto s = d.prepare("PRAGMA page_count");
    s.step();
    d.exec("PRAGMA max_page_count=" + std::to_string(s.int64(0)));
  });
  // Fill every last byte: reps with ever shorter cues until even a bare rep does not fit.
  int full_errors = 0;
  std::uint32_t index = 2;
  for (std::size_t cue : {2000, 200, 20, 0}) {
    for (int tries = 0; tries < 200; ++tries) {
      try {
        auto r = rep(index, true, 2000 + index);
        r.set_cue(std::string(cue, 'x'));
        store.add_rep("s1", r);
        ++index;
      } catch (const StoreError& e) {
        ++full_errors;
        EXPECT_TRUE(e.disk_full()) << e.what();
        EXPECT_NE(std::string(e.what()).find("disk full"), std::string::npos) << e.what();
        break;
      }
    }
  }
  ASSERT_EQ(full_errors, 4) << "every size ran out of room";
  const auto report = store.load_report("s1");
  ASSERT_TRUE(report);
  EXPECT_GE(report->sets(0).reps_size(), 1);
  EXPECT_EQ(report->sets(0).reps(0).index(), 1u) << "the first rep survived intact";
  EXPECT_THROW(store.finish_session("s1", {}, 9000), StoreError);
  EXPECT_EQ(store.running_sessions(), std::vector<std::string>{"s1"})
      << "not finished, so recovery or a retry will finish it";
}

TEST_F(StoreV2, RecoveryClosesRunningSessionsFromTheirStoredRepsAndQueuesThem) {
  {
    SessionStore store(db());
    store.begin_session(start("crashed", "a", 1000));
    store.add_rep("crashed", rep(1, true, 4000));
    store.add_rep("crashed", rep(2, false, 7000));
    store.add_rep("crashed", rep(3, true, 10'000));
    store.begin_session(start("done", "a", 20'000));
    store.finish_session("done", {}, 25'000);
  }  // the process died here
  SessionStore store(db());
  const auto closed = recover_interrupted_sessions(store, 60'000);
  EXPECT_EQ(closed, std::vector<std::string>{"crashed"});
  EXPECT_TRUE(store.running_sessions().empty());
  const auto report = store.load_report("crashed");
  const auto& summary = report->sets(0).summary();
  EXPECT_EQ(summary.reps_counted(), 2u);
  EXPECT_EQ(summary.reps_attempted(), 3u);
  EXPECT_EQ(summary.end_reason(), kInterruptedEndReason);
  EXPECT_EQ(report->ended_at_unix_ms(), 10'000) << "ends at the last stored rep";
  ASSERT_EQ(report->usage().faults_size(), 1);
  EXPECT_EQ(report->usage().faults(0).code(), "interrupted");
  EXPECT_DOUBLE_EQ(report->usage().faults(0).duration_s(), 50.0) << "until the restart";

  // Queued once: a second recovery finds nothing; the outbox body is that report.
  EXPECT_TRUE(recover_interrupted_sessions(store, 61'000).empty());
  EXPECT_EQ(store.outbox_status().pending, 2);
  const std::string body = store.with_db([](Database& d) {
    auto q = d.prepare("SELECT body FROM outbox WHERE idempotency_key = 'crashed'");
    EXPECT_TRUE(q.step());
    return q.text(0);
  });
  v1::SessionReport queued;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(body, &queued).ok());
  EXPECT_EQ(queued.sets(0).reps_size(), 3);
}

TEST_F(StoreV2, UsageReportsCountPerAthleteAndPeriodAndAreQueuedOnceThePeriodIsOver) {
  SessionStore store(db());
  const std::int64_t day = kDayMs * 20'000;  // some UTC midnight
  store.begin_session(start("s1", "anna", day + 1000));
  store.add_rep("s1", rep(1, true, day + 2000));
  store.add_rep("s1", rep(2, false, day + 3000));
  store.finish_session("s1", {}, day + 4000, SessionEnd{90'000, false});
  store.begin_session(start("s2", "ben", day + 5000));
  store.add_rep("s2", rep(1, true, day + 6000));
  store.add_fault("s2", "estop", "pressed", day + 6500);
  store.finish_session("s2", {}, day + 7000, SessionEnd{30'000, false});
  store.clear_active_faults(day + 66'500);
  store.begin_session(start("s3", "anna", day + kDayMs + 10));  // the next day
  store.finish_session("s3", {}, day + kDayMs + 20);

  const auto report = store.with_db([&](Database& d) {
    return build_usage_report(d, "calf-1", "calf", day, day + kDayMs, day + kDayMs);
  });
  EXPECT_EQ(report.report_id(), "usage-calf-1-" + iso_utc(day));
  EXPECT_EQ(report.sessions(), 2u);
  EXPECT_DOUBLE_EQ(report.loaded_s(), 120.0);
  EXPECT_EQ(report.machine_cycles(), 3u);
  EXPECT_EQ(report.machine_cycles_total(), 3u);
  ASSERT_EQ(report.athletes_size(), 2);
  EXPECT_EQ(report.athletes(0).athlete_id(), "anna");
  EXPECT_EQ(report.athletes(0).reps_counted(), 1u);
  EXPECT_EQ(report.athletes(0).reps_attempted(), 2u);
  EXPECT_DOUBLE_EQ(report.athletes(0).loaded_s(), 90.0);
  ASSERT_EQ(report.faults_size(), 1);
  EXPECT_DOUBLE_EQ(report.faults(0).duration_s(), 60.0);

  // Day 1 is over at day + 1 day; day 2 is not over yet.
  EXPECT_EQ(queue_finished_usage_periods(store, "calf-1", "calf", kDayMs, day + kDayMs + 100), 1);
  EXPECT_EQ(queue_finished_usage_periods(store, "calf-1", "calf", kDayMs, day + kDayMs + 200), 0)
      << "queued once";
  EXPECT_EQ(queue_finished_usage_periods(store, "calf-1", "calf", kDayMs, day + 2 * kDayMs), 1);
  const auto daily =
      store.with_db([&](Database& d) { return daily_usage(d, day, day + 2 * kDayMs); });
  ASSERT_EQ(daily.size(), 3u);
  EXPECT_EQ(daily[2].day, iso_utc(day + kDayMs).substr(0, 10));
  EXPECT_EQ(daily[2].usage.athlete_id(), "anna");
}

TEST_F(StoreV2, UsagePeriodWithARunningSessionWaits) {
  SessionStore store(db());
  store.begin_session(start("s1", "anna", 1000));
  EXPECT_EQ(queue_finished_usage_periods(store, "m", "calf", 1000, 10'000), 0);
  store.finish_session("s1", {}, 9000);
  EXPECT_EQ(queue_finished_usage_periods(store, "m", "calf", 1000, 10'000), 1);
}

TEST_F(StoreV2, PrescriptionsCacheServerVersionsAndQueueLocalEditsWithAnAuditTrail) {
  SessionStore store(db());
  PrescriptionStore rx(store);
  v1::AssignedPrescription v3;
  v3.set_athlete_id("anna");
  v3.set_version(3);
  v3.mutable_set()->set_reps(6);
  v3.set_updated_by("coach-a");
  rx.cache_confirmed(v3, 1000);
  rx.cache_confirmed(v3, 2000);  // seen again: one copy, one audit entry
  ASSERT_TRUE(rx.newest_confirmed("anna"));
  EXPECT_EQ(rx.newest_confirmed("anna")->version, 3u);

  v1::SetPrescription edited;
  edited.set_reps(8);
  const auto edit = rx.record_edit("anna", 3, edited, "coach-b", "calf-1", 3000);
  EXPECT_EQ(edit.version, 4u);
  ASSERT_TRUE(rx.newest_pending("anna"));
  EXPECT_EQ(rx.newest_pending("anna")->set.reps(), 8u);
  auto entry = store.next_due(3000);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->kind, kKindPrescriptionChange);
  EXPECT_EQ(entry->idempotency_key, edit.change_id);
  v1::PrescriptionChange change;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(entry->body, &change).ok());
  EXPECT_EQ(change.base_version(), 3u);
  EXPECT_EQ(change.set().reps(), 8u);

  v1::AssignedPrescription accepted;
  accepted.set_athlete_id("anna");
  accepted.set_version(4);
  *accepted.mutable_set() = edited;
  rx.confirm_edit(edit.change_id, accepted, 4000);
  EXPECT_FALSE(rx.newest_pending("anna"));
  EXPECT_EQ(rx.newest_confirmed("anna")->version, 4u);

  const auto lost = rx.record_edit("anna", 2, edited, "coach-c", "calf-1", 5000);
  rx.mark_conflict(lost.change_id, "HTTP 409: base_version 2 is not the current version 4", 6000);
  const auto history = rx.history("anna");
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].state, "conflict");
  EXPECT_NE(history[0].conflict.find("409"), std::string::npos);
  std::vector<std::string> actions;
  for (const auto& a : rx.audit_log("anna")) actions.push_back(a.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"prescription_fetched", "prescription_edit",
                                               "prescription_confirmed", "prescription_edit",
                                               "prescription_conflict"}));
}

}  // namespace
}  // namespace tempoload::plugin
