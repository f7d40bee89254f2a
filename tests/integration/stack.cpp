#include "tests/integration/stack.hpp"

#include <chrono>
#include <cstdlib>
#include <thread>

#include "tempoload/v1/operator.grpc.pb.h"

namespace tempoload::testing {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(15);

std::filesystem::path make_temp_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "tempoload-it-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

}  // namespace

Stack::Stack(const std::string& scenario, const std::string& map)
    : scenario_(scenario), map_(map), dir_(make_temp_dir()) {}

bool Stack::start_sim() {
  sim_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{TEMPOLOAD_SIM_BIN, "--map", map_, "--scenario",
                               std::string(TEMPOLOAD_SCENARIOS_DIR) + "/" + scenario_, "--port",
                               "0"},
      (dir_ / "sim.log").string());
  sim_port_ = sim_->wait_for_port(kStartTimeout);
  return sim_port_ > 0;
}

bool Stack::start_gym() {
  gym_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{TEMPOLOAD_GYM_BIN, "--db", (dir_ / "gym.db").string(), "--port",
                               "0"},
      (dir_ / "gym.log").string());
  gym_port_ = gym_->wait_for_port(kStartTimeout);
  return gym_port_ > 0;
}

bool Stack::start_plugin() {
  std::vector<std::string> argv{TEMPOLOAD_PLUGIN_BIN,
                                "--map",
                                map_,
                                "--modbus",
                                "127.0.0.1:" + std::to_string(sim_port_),
                                "--listen",
                                "127.0.0.1:0",
                                "--db",
                                plugin_db().string(),
                                "--machine-id",
                                "calf-it-1",
                                "--daemon"};  // SCHED_FIFO when permitted, as in production
  if (gym_port_ > 0) {
    argv.push_back("--gym-url");
    argv.push_back(gym_url());
  }
  plugin_ = std::make_unique<ChildProcess>(argv, (dir_ / "plugin.log").string());
  plugin_port_ = plugin_->wait_for_port(kStartTimeout);
  if (plugin_port_ <= 0) return false;
  // Listening comes before the first Modbus exchange: give the loop a moment to connect, so a
  // test's first request does not race it (a test without a simulator just waits it out).
  auto status = tempoload::v1::Operator::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(plugin_port_), grpc::InsecureChannelCredentials()));
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < until) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    tempoload::v1::MachineStatus machine;
    if (status->GetMachineStatus(&ctx, {}, &machine).ok() && machine.connected()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

std::unique_ptr<tempoload::v1::GuidedSession::Stub> Stack::session_stub() const {
  return tempoload::v1::GuidedSession::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(plugin_port_), grpc::InsecureChannelCredentials()));
}

std::unique_ptr<tempoload::v1::DynamometerTest::Stub> Stack::dynamometer_stub() const {
  return tempoload::v1::DynamometerTest::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(plugin_port_), grpc::InsecureChannelCredentials()));
}

std::string Stack::logs() const {
  std::string out;
  if (sim_) out += "--- sim log ---\n" + sim_->log_tail() + "\n";
  if (gym_) out += "--- gym log ---\n" + gym_->log_tail() + "\n";
  if (plugin_) out += "--- plugin log ---\n" + plugin_->log_tail() + "\n";
  return out;
}

tempoload::v1::StartSetRequest demo_request(const std::string& athlete_id) {
  tempoload::v1::StartSetRequest req;
  req.set_athlete_id(athlete_id);
  auto* set = req.mutable_set();
  set->set_reps(6);
  set->set_load_n(1700);
  auto* t = set->mutable_tempo();
  t->set_concentric_s(3.0);
  t->set_top_pause_s(0.5);
  t->set_eccentric_s(3.5);
  t->set_bottom_pause_s(1.0);
  t->set_eccentric_min_s(3.0);
  t->set_eccentric_max_s(4.0);
  req.mutable_range()->set_bottom_m(0.0);
  req.mutable_range()->set_top_m(0.09);
  return req;
}

}  // namespace tempoload::testing
