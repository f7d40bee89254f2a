// Storage and outbox benchmark (see storage_bench.sh). Not a test: prints figures.
//   --mode reps:  reps stored per second with durability on (WAL, synchronous=FULL: every
//                 add_rep is a committed, fsynced transaction, as in the plugin), in sessions of
//                 10 reps; per-rep latency percentiles.
//   --mode drain: 10,000 session reports queued during an outage (attempted before, next
//                 attempts spread over the next 300 s as the maximum backoff leaves them); the
//                 reference gym server (a real process, --gym-bin) comes back after
//                 --outage-s; the time from "listening" until the outbox is empty, with the
//                 plugin's Reporter at the given concurrency.
#include <fcntl.h>
#include <google/protobuf/util/json_util.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "plugin/report/reporter.hpp"
#include "plugin/session/wall_clock.hpp"
#include "plugin/storage/session_store.hpp"

namespace tp = tempoload::plugin;
namespace v1 = tempoload::v1;
using Clock = std::chrono::steady_clock;
extern char** environ;

namespace {

v1::RepResult make_rep(std::uint32_t index) {
  v1::RepResult r;
  r.set_index(index);
  r.set_counted(true);
  r.set_verdict(v1::REP_VERDICT_COUNTED);
  r.set_cue("good rep");
  r.set_concentric_s(3.0);
  r.set_top_pause_s(0.5);
  r.set_eccentric_s(3.5);
  r.set_bottom_pause_s(1.0);
  r.set_range_m(0.09);
  r.set_peak_force_left_n(1150);
  r.set_peak_force_right_n(1350);
  r.set_mean_force_left_n(1130);
  r.set_mean_force_right_n(1320);
  r.set_time_under_tension_s(7.0);
  r.set_symmetry_index_pct(16.0);
  r.set_completed_at_unix_ms(tp::unix_ms());
  return r;
}

tp::SessionStart make_start(const std::string& id) {
  tp::SessionStart s;
  s.session_id = id;
  s.athlete_id = "athlete-bench";
  s.machine_id = "calf-bench";
  s.machine_model = "tempoload-calf-raise";
  s.started_at_unix_ms = tp::unix_ms();
  s.prescription.set_reps(10);
  s.prescription.set_load_n(1700);
  return s;
}

int bench_reps(const std::filesystem::path& db_path, int reps) {
  std::filesystem::remove(db_path);
  tp::SessionStore store(db_path);
  std::vector<double> latency_us;
  latency_us.reserve(reps);
  const auto t0 = Clock::now();
  for (int i = 0; i < reps; ++i) {
    const std::string id = "s-" + std::to_string(i / 10);
    if (i % 10 == 0) store.begin_session(make_start(id));
    const auto a = Clock::now();
    store.add_rep(id, make_rep(static_cast<std::uint32_t>(i % 10 + 1)));
    latency_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - a).count());
    if (i % 10 == 9) store.finish_session(id, {}, tp::unix_ms());
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  std::sort(latency_us.begin(), latency_us.end());
  auto q = [&](double f) {
    return latency_us[std::min(latency_us.size() - 1, std::size_t(f * latency_us.size()))];
  };
  std::printf(
      "reps stored with WAL + synchronous=FULL: %d reps (%d sessions of 10, begin and finish "
      "included) in %.2f s = %.0f reps/s; add_rep latency us: p50 %.0f  p99 %.0f  max %.0f\n",
      reps, reps / 10, elapsed, reps / elapsed, q(0.5), q(0.99), latency_us.back());
  return 0;
}

// Queues `count` reports the way a long outage leaves them, in one transaction.
void seed_outage(tp::SessionStore& store, int count) {
  v1::SessionReport report;
  report.set_machine_id("calf-bench");
  report.set_machine_model("tempoload-calf-raise");
  report.set_athlete_id("athlete-bench");
  auto* set = report.add_sets();
  set->set_set_index(1);
  set->mutable_prescription()->set_reps(6);
  for (std::uint32_t r = 1; r <= 7; ++r) *set->add_reps() = make_rep(r);
  set->mutable_summary()->set_reps_counted(6);
  set->mutable_summary()->set_end_reason("target reached");
  google::protobuf::util::JsonPrintOptions opts;
  opts.always_print_primitive_fields = true;
  const std::int64_t now = tp::unix_ms();
  store.with_db([&](tp::Database& db) {
    db.transaction([&] {
      for (int i = 0; i < count; ++i) {
        report.set_session_id("calf-bench-outage-" + std::to_string(i));
        std::string json;
        (void)google::protobuf::util::MessageToJsonString(report, &json, opts);
        tp::outbox_enqueue(db, tp::kKindSessionReport, report.session_id(), json, now);
      }
      // Next attempts spread over the next 300 s (the maximum backoff), as an outage of days
      // leaves them.
      db.prepare(
            "UPDATE outbox SET attempts = 9, last_error = 'connect: Connection refused', "
            "last_http_status = 0, next_attempt_unix_ms = next_attempt_unix_ms + (ABS(RANDOM()) "
            "% 300000)")
          .run();
    });
  });
}

// Starts tempoload-gym on `port`; returns its pid once it prints "listening", or -1.
pid_t start_gym(const std::string& bin, const std::filesystem::path& db, int port,
                const std::filesystem::path& out) {
  std::vector<std::string> args{bin,      "--db", db.string(), "--port", std::to_string(port),
                                "--quiet"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const std::string log = out.string() + ".log";
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  for (int i = 0; i < 500; ++i) {  // at most 5 s
    std::ifstream in(out);
    std::string line;
    if (std::getline(in, line) && line.find("listening on") != std::string::npos) return pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}

int bench_drain(const std::filesystem::path& dir, const std::string& gym_bin, int port, int count,
                int concurrency, double outage_s) {
  const auto db_path = dir / ("drain-c" + std::to_string(concurrency) + ".db");
  const auto gym_db = dir / ("gym-c" + std::to_string(concurrency) + ".db");
  for (const auto& p : {db_path, gym_db}) {
    std::filesystem::remove(p);
    std::filesystem::remove(p.string() + "-wal");
    std::filesystem::remove(p.string() + "-shm");
  }
  tp::SessionStore store(db_path);
  seed_outage(store, count);
  tp::ReporterOptions o;
  o.gym_url = "http://127.0.0.1:" + std::to_string(port);
  o.concurrency = concurrency;  // backoff as in production: 0.5 s doubling to 300 s
  tp::Reporter reporter(store, o);
  spdlog::set_level(spdlog::level::err);
  reporter.start();
  std::this_thread::sleep_for(std::chrono::duration<double>(outage_s));  // still down
  const pid_t gym = start_gym(gym_bin, gym_db, port, dir / "gym.out");
  if (gym < 0) {
    std::fprintf(stderr, "tempoload-gym did not start\n");
    return 1;
  }
  const auto back = Clock::now();
  std::int64_t pending = count;
  while (pending > 0 && Clock::now() - back < std::chrono::minutes(10)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    pending = store.outbox_status().pending;
  }
  const double drain_s = std::chrono::duration<double>(Clock::now() - back).count();
  reporter.stop();
  kill(gym, SIGTERM);
  waitpid(gym, nullptr, 0);
  const auto st = store.outbox_status();
  std::printf(
      "outbox drain, concurrency %d: %d reports queued during an outage, %lld delivered %.2f s "
      "after the gym server came back = %.0f reports/s (%lld still pending, %llu failed "
      "attempts)\n",
      concurrency, count, static_cast<long long>(st.delivered), drain_s, st.delivered / drain_s,
      static_cast<long long>(st.pending),
      static_cast<unsigned long long>(reporter.failed_attempts()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tempoload storage benchmark"};
  std::string mode = "reps", dir = ".", gym_bin;
  int reps = 2000, reports = 10000, concurrency = 2, port = 0;
  double outage_s = 2;
  app.add_option("--mode", mode)->check(CLI::IsMember({"reps", "drain"}));
  app.add_option("--dir", dir, "work directory on the disk to measure")->required();
  app.add_option("--reps", reps)->capture_default_str();
  app.add_option("--reports", reports)->capture_default_str();
  app.add_option("--concurrency", concurrency)->capture_default_str();
  app.add_option("--gym-bin", gym_bin, "tempoload-gym binary (drain)");
  app.add_option("--port", port, "free port for the gym server (drain)");
  app.add_option("--outage-s", outage_s, "how long the server stays down (drain) [s]");
  CLI11_PARSE(app, argc, argv);
  std::filesystem::create_directories(dir);
  if (mode == "reps") return bench_reps(std::filesystem::path(dir) / "reps.db", reps);
  if (gym_bin.empty() || port <= 0) {
    std::fprintf(stderr, "--mode drain needs --gym-bin and --port\n");
    return 2;
  }
  return bench_drain(dir, gym_bin, port, reports, concurrency, outage_s);
}
