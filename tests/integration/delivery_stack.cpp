#include "tests/integration/delivery_stack.hpp"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "plugin/http/http_client.hpp"
#include "plugin/storage/outbox.hpp"
#include "plugin/storage/report_queries.hpp"
#include "plugin/storage/session_store.hpp"

namespace tempoload::testing {
namespace {

namespace v1 = tempoload::v1;
namespace tp = tempoload::plugin;
constexpr auto kStartTimeout = std::chrono::seconds(15);

std::filesystem::path make_temp_dir() {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "tempoload-delivery-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

// A port nothing listens on right now (bound to 0, read back, released).
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

std::string rep_key(const v1::RepResult& r) {
  return std::to_string(r.index()) + ":" + v1::RepVerdict_Name(r.verdict()) + ":" +
         (r.counted() ? "counted" : "not counted");
}

std::string describe_reps(const v1::SessionReport& r) {
  std::string out;
  for (const auto& set : r.sets())
    for (const auto& rep : set.reps()) out += rep_key(rep) + " ";
  return out;
}

}  // namespace

DeliveryStack::DeliveryStack(const std::string& scenario)
    : scenario_(scenario), dir_(make_temp_dir()) {}

DeliveryStack::~DeliveryStack() {
  plugin_.reset();
  gym_.reset();
  sim_.reset();
  std::error_code ec;
  if (::testing::Test::HasFailure())
    std::fprintf(stderr, "logs and databases kept in %s\n", dir_.c_str());
  else
    std::filesystem::remove_all(dir_, ec);
}

bool DeliveryStack::start_sim() {
  sim_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{TEMPOLOAD_SIM_BIN, "--map", TEMPOLOAD_MAP, "--scenario",
                               std::string(TEMPOLOAD_SCENARIOS_DIR) + "/" + scenario_, "--port",
                               "0"},
      (dir_ / "sim.log").string());
  sim_port_ = sim_->wait_for_port(kStartTimeout);
  return sim_port_ > 0;
}

int DeliveryStack::gym_port() {
  if (gym_port_ <= 0) gym_port_ = free_port();
  return gym_port_;
}

bool DeliveryStack::start_gym(const std::vector<std::string>& extra) {
  std::vector<std::string> argv{TEMPOLOAD_GYM_BIN, "--db", gym_db().string(), "--port",
                                std::to_string(gym_port())};
  argv.insert(argv.end(), extra.begin(), extra.end());
  gym_.reset();
  gym_ = std::make_unique<ChildProcess>(
      argv, (dir_ / ("gym-" + std::to_string(++gym_starts_) + ".log")).string());
  return gym_->wait_for_port(kStartTimeout) == gym_port_;
}

void DeliveryStack::kill_gym() {
  if (!gym_) return;
  gym_->signal(SIGKILL);
  gym_->wait_exit(std::chrono::seconds(5));
}

bool DeliveryStack::start_plugin(const std::vector<std::string>& extra,
                                 const std::string& machine_id, const std::string& db_name) {
  std::vector<std::string> argv{TEMPOLOAD_PLUGIN_BIN,
                                "--daemon",
                                "--map",
                                TEMPOLOAD_MAP,
                                "--modbus",
                                "127.0.0.1:" + std::to_string(sim_port_ > 0 ? sim_port_ : 9),
                                "--listen",
                                "127.0.0.1:0",
                                "--db",
                                plugin_db(db_name).string(),
                                "--machine-id",
                                machine_id,
                                "--no-realtime",
                                "--gym-url",
                                gym_url(),
                                "--report-min-backoff-s",
                                "0.2",
                                "--report-max-backoff-s",
                                "1",
                                "--report-timeout-s",
                                "5",
                                "--prescription-timeout-s",
                                "1"};
  // A flag given in `extra` replaces the default above (flags here all take one value).
  for (std::size_t i = 0; i + 1 < extra.size(); ++i) {
    auto it = std::find(argv.begin(), argv.end(), extra[i]);
    if (extra[i].rfind("--", 0) == 0 && it != argv.end() && it + 1 != argv.end())
      argv.erase(it, it + 2);
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  plugin_.reset();
  plugin_ = std::make_unique<ChildProcess>(
      argv, (dir_ / ("plugin-" + std::to_string(++plugin_starts_) + ".log")).string());
  plugin_port_ = plugin_->wait_for_port(kStartTimeout);
  return plugin_port_ > 0;
}

void DeliveryStack::kill_plugin() {
  if (!plugin_) return;
  plugin_->signal(SIGKILL);
  plugin_->wait_exit(std::chrono::seconds(5));
}

void DeliveryStack::stop_plugin() {
  if (!plugin_) return;
  plugin_->signal(SIGTERM);
  plugin_->wait_exit(std::chrono::seconds(10));
}

std::unique_ptr<v1::GuidedSession::Stub> DeliveryStack::session_stub() const {
  return v1::GuidedSession::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(plugin_port_),
                                                        grpc::InsecureChannelCredentials()));
}

std::unique_ptr<v1::Prescriptions::Stub> DeliveryStack::prescription_stub() const {
  return v1::Prescriptions::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(plugin_port_),
                                                        grpc::InsecureChannelCredentials()));
}

std::string DeliveryStack::logs() const {
  std::string out;
  if (sim_) out += "--- sim log ---\n" + sim_->log_tail() + "\n";
  if (gym_) out += "--- gym log (latest start) ---\n" + gym_->log_tail() + "\n";
  if (plugin_) out += "--- plugin log (latest start) ---\n" + plugin_->log_tail(4000) + "\n";
  return out;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  for (const auto until = std::chrono::steady_clock::now() + timeout;
       std::chrono::steady_clock::now() < until;) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

v1::StartSetRequest short_set_request(const std::string& athlete_id) {
  v1::StartSetRequest req;
  req.set_athlete_id(athlete_id);
  auto* set = req.mutable_set();
  set->set_reps(3);
  set->set_load_n(1000);
  auto* t = set->mutable_tempo();
  t->set_concentric_s(1.0);
  t->set_top_pause_s(0.3);
  t->set_eccentric_s(1.5);
  t->set_bottom_pause_s(0.5);
  t->set_eccentric_min_s(1.2);
  t->set_eccentric_max_s(2.0);
  req.mutable_range()->set_bottom_m(0.0);
  req.mutable_range()->set_top_m(0.09);
  return req;
}

WatchedSet watch_set(v1::GuidedSession::Stub& stub, const std::string& session_id,
                     int stop_after_reps, std::chrono::seconds timeout) {
  WatchedSet out;
  out.session_id = session_id;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + timeout);
  v1::WatchSessionRequest req;
  req.set_session_id(session_id);
  req.set_tick_rate_hz(1);
  auto reader = stub.WatchSession(&ctx, req);
  v1::GuidanceEvent ev;
  while (reader->Read(&ev)) {
    if (ev.has_rep()) out.reps.push_back(ev.rep());
    if (ev.has_cue()) out.cues.push_back(ev.cue());
    if (ev.has_set_finished()) {
      out.finished = true;
      out.result = ev.set_finished();
    }
    if (stop_after_reps >= 0 && static_cast<int>(out.reps.size()) >= stop_after_reps) {
      ctx.TryCancel();
      break;
    }
  }
  reader->Finish();
  return out;
}

std::string compare_gym_with_plugin(const std::filesystem::path& plugin_db,
                                    const std::string& gym_url, int* matched) {
  return compare_gym_with_plugins({plugin_db}, gym_url, matched);
}

std::string compare_gym_with_plugins(const std::vector<std::filesystem::path>& plugin_dbs,
                                     const std::string& gym_url, int* matched) {
  std::ostringstream problems;
  // What the plugins completed.
  std::map<std::string, v1::SessionReport> expected;
  for (const auto& plugin_db : plugin_dbs) {
    tp::Database db(plugin_db, tp::Database::Mode::kReadOnly);
    for (const auto& s : tp::list_sessions(db)) {
      if (s.status == "running") {
        problems << "session " << s.session_id << " is still running in the plugin\n";
        continue;
      }
      expected[s.session_id] = *tp::build_report(db, s.session_id);
    }
  }
  // What the gym server holds.
  http::HttpClient gym(gym_url);
  const auto list = gym.get("/api/v1/sessions");
  if (!list.ok || list.response.status != 200)
    return "cannot list the gym server's sessions: " +
           (list.ok ? "HTTP " + std::to_string(list.response.status) : list.error);
  std::multiset<std::string> held;
  const auto listed = nlohmann::json::parse(list.response.body);
  for (const auto& s : listed.at("sessions")) held.insert(s.at("session_id").get<std::string>());
  int ok = 0;
  for (const auto& id : std::set<std::string>(held.begin(), held.end())) {
    if (held.count(id) != 1)
      problems << "gym holds session " << id << " " << held.count(id) << " times\n";
    if (!expected.count(id)) problems << "gym holds session " << id << " the plugin never had\n";
  }
  for (const auto& [id, mine] : expected) {
    if (!held.count(id)) {
      problems << "session " << id << " (" << describe_reps(mine)
               << ") never reached the gym; it lists " << list.response.body.substr(0, 300) << "\n";
      continue;
    }
    const auto got = gym.get("/api/v1/sessions/" + id);
    v1::SessionReport theirs;
    google::protobuf::util::JsonParseOptions o;
    o.ignore_unknown_fields = true;
    if (!got.ok || got.response.status != 200 ||
        !google::protobuf::util::JsonStringToMessage(got.response.body, &theirs, o).ok()) {
      problems << "session " << id << ": cannot read it back from the gym\n";
      continue;
    }
    if (describe_reps(theirs) != describe_reps(mine) || theirs.sets_size() != mine.sets_size() ||
        (mine.sets_size() > 0 &&
         (theirs.sets(0).summary().reps_counted() != mine.sets(0).summary().reps_counted() ||
          theirs.sets(0).summary().end_reason() != mine.sets(0).summary().end_reason()))) {
      problems << "session " << id << ": gym has reps [" << describe_reps(theirs)
               << "], the plugin [" << describe_reps(mine) << "]\n";
      continue;
    }
    ++ok;
  }
  if (matched) *matched = ok;
  return problems.str();
}

std::vector<std::string> seed_finished_sessions(const std::filesystem::path& plugin_db, int count,
                                                const std::string& machine_id) {
  tp::SessionStore store(plugin_db);
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) {
    const std::int64_t t0 = 1'760'000'000'000 + i * 60'000;
    tp::SessionStart s;
    s.session_id = machine_id + "-seeded-" + std::to_string(i);
    s.athlete_id = "athlete-" + std::to_string(i % 2);
    s.machine_id = machine_id;
    s.machine_model = "tempoload-calf-raise";
    s.started_at_unix_ms = t0;
    *s.prescription.mutable_tempo() = short_set_request("x").set().tempo();
    s.prescription.set_reps(3);
    store.begin_session(s);
    v1::SetSummary summary;
    for (std::uint32_t r = 1; r <= 3; ++r) {
      v1::RepResult rep;
      rep.set_index(r);
      rep.set_counted(r != 2);
      rep.set_verdict(r != 2 ? v1::REP_VERDICT_COUNTED : v1::REP_VERDICT_TOO_FAST);
      rep.set_eccentric_s(r != 2 ? 1.5 : 0.8);
      rep.set_completed_at_unix_ms(t0 + r * 3000);
      store.add_rep(s.session_id, rep);
    }
    summary.set_reps_counted(2);
    summary.set_reps_attempted(3);
    summary.set_end_reason("target reached");
    store.finish_session(s.session_id, summary, t0 + 10'000);
    ids.push_back(s.session_id);
  }
  return ids;
}

OutboxCounts outbox_counts(const std::filesystem::path& plugin_db, const std::string& kind) {
  tp::Database db(plugin_db, tp::Database::Mode::kReadOnly);
  OutboxCounts c;
  for (const auto& r : tp::outbox_list(db, "", 100000)) {
    if (r.kind != kind) continue;
    c.pending += r.state == "pending";
    c.delivered += r.state == "delivered";
    c.rejected += r.state == "rejected";
    c.conflict += r.state == "conflict";
    c.duplicates += r.state == "delivered" && r.last_http_status == 200;
    c.max_attempts = std::max(c.max_attempts, r.attempts);
    if (c.last_error.empty() && !r.last_error.empty()) c.last_error = r.last_error;
  }
  return c;
}

std::string run_ctl(const std::vector<std::string>& args, int* exit_status,
                    std::chrono::seconds timeout) {
  std::vector<std::string> argv{TEMPOLOAD_CTL_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto log = std::filesystem::temp_directory_path() /
                   ("tempoloadctl-" + std::to_string(::getpid()) + ".log");
  ChildProcess ctl(argv, log.string());
  std::string out = ctl.read_stdout(timeout);
  const int status = ctl.wait_exit(std::chrono::seconds(5));
  if (exit_status) *exit_status = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::filesystem::remove(log);
  return out;
}

}  // namespace tempoload::testing
