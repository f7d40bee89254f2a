// Real processes on loopback for the storage and delivery fault tests: the simulated machine
// (short_set.json by default), the reference gym server on a port fixed up front (so the plugin
// can be pointed at a gym server that is not running yet, and the server can be killed and
// restarted on the same port and database), and the plugin, restartable on the same database.
// Plus the check every fault test ends with: the gym server holds exactly the sessions and reps
// the plugin completed, each once.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tempoload/v1/guided_session.grpc.pb.h"
#include "tempoload/v1/sync.grpc.pb.h"
#include "tests/support/child_process.hpp"

namespace tempoload::testing {

class DeliveryStack {
 public:
  explicit DeliveryStack(const std::string& scenario = "short_set.json");
  // Stops every process; removes the directory unless the test failed (then its logs stay).
  ~DeliveryStack();
  DeliveryStack(const DeliveryStack&) = delete;
  DeliveryStack& operator=(const DeliveryStack&) = delete;

  bool start_sim();
  int gym_port();  // chosen (a free port) on first use
  std::string gym_url() { return "http://127.0.0.1:" + std::to_string(gym_port()); }
  // Starts the gym server on gym_port() with gym.db; `extra` e.g. {"--fail-mode", "500"}.
  bool start_gym(const std::vector<std::string>& extra = {});
  void kill_gym();  // SIGKILL, then waits for the exit
  // Starts the plugin on plugin.db, reporting to gym_url() with fast retries (0.2-1 s);
  // `extra` flags come last and win. Needs start_sim() unless the test uses no machine.
  bool start_plugin(const std::vector<std::string>& extra = {},
                    const std::string& machine_id = "calf-it-1",
                    const std::string& db_name = "plugin.db");
  void kill_plugin();  // SIGKILL: no chance to finish anything
  void stop_plugin();  // SIGTERM, then waits for the exit

  std::filesystem::path dir() const { return dir_; }
  std::filesystem::path plugin_db(const std::string& name = "plugin.db") const {
    return dir_ / name;
  }
  std::filesystem::path gym_db() const { return dir_ / "gym.db"; }
  std::unique_ptr<tempoload::v1::GuidedSession::Stub> session_stub() const;
  std::unique_ptr<tempoload::v1::Prescriptions::Stub> prescription_stub() const;
  std::string logs() const;  // tails of every log, for failure messages

 private:
  std::string scenario_;
  std::filesystem::path dir_;
  std::unique_ptr<ChildProcess> sim_, gym_, plugin_;
  int sim_port_ = -1, gym_port_ = -1, plugin_port_ = -1;
  int gym_starts_ = 0, plugin_starts_ = 0;
};

// Polls `done` every 50 ms until it holds or `timeout` passes; returns the last answer.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);

// A set the short_set.json athlete does: 3 reps at 1000 N, 1 s up, 0.3 s top pause, 1.5 s down
// (counted in 1.2-2.0 s), 0.5 s bottom pause, range 0-9 cm.
tempoload::v1::StartSetRequest short_set_request(const std::string& athlete_id);

// A set as the athlete saw it through WatchSession.
struct WatchedSet {
  std::string session_id;
  std::vector<tempoload::v1::RepResult> reps;
  std::vector<std::string> cues;
  bool finished = false;
  tempoload::v1::SetReport result;
};
// Follows a started session until it finishes, or until `stop_after_reps` reps were streamed
// (then returns at once, the set still running), bounded by `timeout`.
WatchedSet watch_set(tempoload::v1::GuidedSession::Stub& stub, const std::string& session_id,
                     int stop_after_reps = -1,
                     std::chrono::seconds timeout = std::chrono::seconds(40));

// The end of every fault test: the gym server at gym_url holds exactly the sessions of the
// plugin database that are finished or interrupted, each once, each with the same reps (index,
// verdict, counted) and the same summary. Returns "" when so, else what differs. `sessions`
// (optional) receives how many sessions matched.
std::string compare_gym_with_plugin(const std::filesystem::path& plugin_db,
                                    const std::string& gym_url, int* sessions = nullptr);
// The same against several machines' databases: the gym server holds exactly their union.
std::string compare_gym_with_plugins(const std::vector<std::filesystem::path>& plugin_dbs,
                                     const std::string& gym_url, int* sessions = nullptr);

// Writes `count` finished sessions of 3 reps (2 counted) into a plugin database, as a plugin
// that could not reach its gym server would have left them. Returns their ids.
std::vector<std::string> seed_finished_sessions(const std::filesystem::path& plugin_db, int count,
                                                const std::string& machine_id = "calf-it-1");

// Outbox counts of one kind of entry in a plugin database, read the way tempoloadctl reads it
// (read-only). Sessions seeded in the past also queue usage reports, hence the kind.
struct OutboxCounts {
  std::int64_t pending = 0, delivered = 0, rejected = 0, conflict = 0;
  int max_attempts = 0;
  int duplicates = 0;      // delivered with HTTP 200: the gym server already had them
  std::string last_error;  // of the newest entry with one
};
OutboxCounts outbox_counts(const std::filesystem::path& plugin_db,
                           const std::string& kind = "session_report");

// Runs tempoloadctl with `args`; returns its stdout (bounded by `timeout`), *exit_status gets
// the exit code (-1 when it did not exit).
std::string run_ctl(const std::vector<std::string>& args, int* exit_status = nullptr,
                    std::chrono::seconds timeout = std::chrono::seconds(20));

}  // namespace tempoload::testing
