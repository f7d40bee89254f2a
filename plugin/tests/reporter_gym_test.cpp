// The reporter and the prescription sync against the reference gym server running in this
// process on loopback (real HTTP): bounded concurrency, every entry delivered once through
// injected faults, the prescription edit rules, cached prescriptions when the server is gone,
// and raw samples pruned after upload.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "plugin/report/reporter.hpp"
#include "plugin/storage/sample_codec.hpp"
#include "plugin/sync/prescription_sync.hpp"
#include "sim/gym/tests/test_support.hpp"

namespace tempoload::plugin {
namespace {

namespace v1 = tempoload::v1;
namespace gt = tempoload::gym::testing;
using Clock = std::chrono::steady_clock;

// Polls `done` every 20 ms for at most `timeout`; true once it holds.
template <class Pred>
bool wait_until(Pred done, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  for (const auto until = Clock::now() + timeout; Clock::now() < until;) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

class ReporterWithGym : public ::testing::Test {
 protected:
  void start_gym(gym::FaultMode mode = gym::FaultMode::kNone, int count = 0) {
    gym::GymServerOptions o;
    o.fail_mode = mode;
    o.fail_count = count;
    o.slow_seconds = 0.5;
    gym_ = std::make_unique<gt::RunningServer>(gym_store_, o);
  }
  std::string gym_url() const { return "http://127.0.0.1:" + std::to_string(gym_->port()); }
  ReporterOptions options(int concurrency = 2) {
    ReporterOptions o;
    o.gym_url = gym_url();
    o.min_backoff_s = 0.05;
    o.max_backoff_s = 0.2;
    o.timeout_s = 2;
    o.concurrency = concurrency;
    return o;
  }
  void finish_sessions(int n) {
    for (int i = 0; i < n; ++i) {
      const std::string id = "s" + std::to_string(i);
      SessionStart s;
      s.session_id = id;
      s.athlete_id = "anna";
      s.machine_id = "calf-1";
      s.machine_model = "calf";
      s.started_at_unix_ms = 1000;
      s.prescription.set_reps(3);
      store_.begin_session(s);
      v1::RepResult rep;
      rep.set_index(1);
      rep.set_counted(true);
      rep.set_verdict(v1::REP_VERDICT_COUNTED);
      store_.add_rep(id, rep);
      v1::SetSummary summary;
      summary.set_reps_counted(1);
      store_.finish_session(id, summary, 2000);
    }
  }

  gt::TempDir dir_;
  gym::ReportStore gym_store_{dir_.file("gym.db")};
  SessionStore store_{dir_.file("plugin.db")};
  PrescriptionStore prescriptions_{store_};
  std::unique_ptr<gt::RunningServer> gym_;
};

TEST_F(ReporterWithGym, EveryReportArrivesOnceThroughServerErrors) {
  start_gym(gym::FaultMode::k500, 6);
  finish_sessions(12);
  Reporter reporter(store_, options(3), &prescriptions_);
  reporter.start();
  ASSERT_TRUE(wait_until([&] { return store_.outbox_status().delivered == 12; }));
  reporter.stop();
  EXPECT_EQ(gym_store_.list().size(), 12u);
  EXPECT_GE(reporter.failed_attempts(), 6u);
  const auto rows = store_.with_db([](Database& d) { return outbox_list(d, "", 100); });
  int retried = 0;
  for (const auto& r : rows) {
    EXPECT_EQ(r.state, "delivered");
    EXPECT_GT(r.last_attempt_unix_ms, 0);
    EXPECT_EQ(r.last_http_status == 201 || r.last_http_status == 200, true) << r.last_http_status;
    retried += r.attempts > 1;
  }
  EXPECT_GT(retried, 0) << "the injected 500s were retried";
}

TEST_F(ReporterWithGym, ConcurrencyIsBoundedByTheOption) {
  // Slow replies keep uploads in flight: with concurrency 2 the server never sees a third.
  start_gym(gym::FaultMode::kSlow, 100);
  finish_sessions(6);
  Reporter reporter(store_, options(2), &prescriptions_);
  const auto t0 = Clock::now();
  reporter.start();
  ASSERT_TRUE(wait_until([&] { return store_.outbox_status().delivered == 6; }));
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  reporter.stop();
  // 6 uploads of ~0.5 s each, 2 at a time: at least 3 rounds (1.5 s); 3 at a time would take
  // 1 s.
  EXPECT_GE(elapsed, 1.4) << "more than 2 uploads were in flight at once";
  EXPECT_EQ(gym_store_.list().size(), 6u);
}

TEST_F(ReporterWithGym, ReportsQueuedWhileTheServerIsDownGoAsSoonAsItIsBack) {
  finish_sessions(3);
  ReporterOptions o;
  o.gym_url = "http://127.0.0.1:9";  // nothing listens on the discard port
  {
    o.min_backoff_s = 30;  // long waits: only the "server is back" rule can make them due
    o.max_backoff_s = 60;
    Reporter reporter(store_, o);
    reporter.start();
    ASSERT_TRUE(wait_until([&] {
      return store_.with_db([](Database& d) {
        for (const auto& r : outbox_list(d, "pending", 10))
          if (r.attempts == 0) return false;
        return true;
      });
    }));
    reporter.stop();
  }
  // The server comes back (on another port: a new URL, after a restart of the plugin); one new
  // report goes at once, and its delivery brings the three waiting ones forward instead of
  // leaving them for 30 s.
  start_gym();
  o.gym_url = gym_url();
  SessionStart s;
  s.session_id = "fresh";
  s.athlete_id = "anna";
  s.machine_id = "calf-1";
  s.machine_model = "calf";
  store_.begin_session(s);
  store_.finish_session("fresh", {}, 3000);
  Reporter reporter(store_, o);
  reporter.start();
  EXPECT_TRUE(
      wait_until([&] { return store_.outbox_status().delivered == 4; }, std::chrono::seconds(10)))
      << "pending " << store_.outbox_status().pending;
  reporter.stop();
}

TEST_F(ReporterWithGym, RawSamplesArePrunedAfterUploadWhenConfigured) {
  start_gym();
  finish_sessions(1);
  store_.store_samples("s0", 1, encode_samples({{0, 1, 2, 0.01}}), 1, 0, 2000);
  auto o = options();
  o.prune_samples_after_upload = true;
  Reporter reporter(store_, o);
  reporter.start();
  ASSERT_TRUE(wait_until([&] { return !store_.load_samples("s0", 1)->blob.has_value(); }));
  reporter.stop();
  EXPECT_EQ(store_.outbox_status().delivered, 1);
}

TEST_F(ReporterWithGym, PrescriptionEditsAreVersionCheckedAtTheServer) {
  start_gym();
  Reporter reporter(store_, options(), &prescriptions_);
  reporter.start();
  PrescriptionSync sync(prescriptions_, {gym_url(), "", 2.0});

  // A first edit made here becomes v1 at the server and runs from the server from then on.
  v1::SetPrescription set;
  set.set_reps(6);
  set.set_load_n(1500);
  set.mutable_tempo()->set_concentric_s(3);
  prescriptions_.record_edit("anna", 0, set, "coach-a", "calf-1", 1000);
  reporter.notify();
  ASSERT_TRUE(wait_until([&] { return store_.outbox_status().delivered == 1; }));
  auto r = sync.resolve("anna");
  ASSERT_EQ(r.status, ResolvedPrescription::Status::kOk) << r.error;
  EXPECT_EQ(r.origin.source(), v1::PRESCRIPTION_SOURCE_GYM_SERVER);
  EXPECT_EQ(r.prescription.version(), 1u);
  EXPECT_EQ(r.prescription.set().load_n(), 1500);

  // Another machine's edit of v1 wins at the server (v2); this machine's later edit, also
  // made from v1, is refused there and kept here in state "conflict"; v2 runs.
  gym::StoredPrescription other;
  other.athlete_id = "anna";
  other.base_version = 1;
  other.set_json = R"({"reps":6,"loadN":1600,"tempo":{"concentricS":3}})";
  other.updated_by = "coach-b";
  other.change_key = "calf-2-rx-1";
  ASSERT_EQ(gym_store_.put_prescription(other, nullptr), gym::PrescriptionPutOutcome::kStored);
  set.set_load_n(1550);
  prescriptions_.record_edit("anna", 1, set, "coach-a", "calf-1", 2000);
  reporter.notify();
  ASSERT_TRUE(wait_until([&] { return store_.outbox_status().conflict == 1; }));
  reporter.stop();
  EXPECT_EQ(gym_store_.current_prescription("anna")->version, 2);
  EXPECT_EQ(prescriptions_.history("anna")[0].state, "conflict");
  r = sync.resolve("anna");
  EXPECT_EQ(r.origin.source(), v1::PRESCRIPTION_SOURCE_GYM_SERVER);
  EXPECT_EQ(r.prescription.version(), 2u);
  EXPECT_EQ(r.prescription.set().load_n(), 1600);
}

TEST_F(ReporterWithGym, CachedCopyRunsWhenTheServerIsUnreachableAndSaysSo) {
  start_gym();
  gym::StoredPrescription p;
  p.athlete_id = "ben";
  p.set_json = R"({"reps":5,"loadN":1200,"tempo":{"concentricS":2}})";
  p.updated_by = "coach-a";
  p.change_key = "k1";
  gym_store_.put_prescription(p, nullptr);
  PrescriptionSync online(prescriptions_, {gym_url(), "", 2.0});
  ASSERT_EQ(online.resolve("ben").origin.source(), v1::PRESCRIPTION_SOURCE_GYM_SERVER);
  EXPECT_EQ(online.resolve("nobody").status, ResolvedPrescription::Status::kNotFound);
  const std::string url = gym_url();
  gym_.reset();  // the server goes away

  PrescriptionSync offline(prescriptions_, {url, "", 0.5});
  const auto t0 = Clock::now();
  auto r = offline.resolve("ben");
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(2)) << "a short, bounded wait";
  ASSERT_EQ(r.status, ResolvedPrescription::Status::kOk) << r.error;
  EXPECT_EQ(r.origin.source(), v1::PRESCRIPTION_SOURCE_CACHE);
  EXPECT_EQ(r.origin.version(), 1u);
  EXPECT_NE(r.origin.note().find("gym server unreachable"), std::string::npos) << r.origin.note();
  EXPECT_EQ(r.prescription.set().load_n(), 1200);
  EXPECT_NE(origin_cue(r.origin).find("cached copy"), std::string::npos);

  // A coach's edit made here while offline runs here at once, marked as not yet confirmed.
  v1::SetPrescription edited = r.prescription.set();
  edited.set_load_n(1250);
  prescriptions_.record_edit("ben", 1, edited, "coach-c", "calf-1", 5000);
  r = offline.resolve("ben");
  EXPECT_EQ(r.origin.source(), v1::PRESCRIPTION_SOURCE_LOCAL_EDIT);
  EXPECT_EQ(r.origin.version(), 2u);
  EXPECT_EQ(r.prescription.set().load_n(), 1250);

  const auto none = offline.resolve("nobody");
  EXPECT_EQ(none.status, ResolvedPrescription::Status::kUnavailable);
  EXPECT_NE(none.error.find("no cached copy"), std::string::npos) << none.error;
}

}  // namespace
}  // namespace tempoload::plugin
