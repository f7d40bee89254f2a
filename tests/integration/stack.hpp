// The real processes of a tempoload installation on loopback, for integration tests: the
// simulated machine, the reference gym server and the plugin, each on a free port, with
// files in a fresh temporary directory.
#pragma once

#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <memory>
#include <string>

#include "tempoload/v1/dynamometer.grpc.pb.h"
#include "tempoload/v1/guided_session.grpc.pb.h"
#include "tests/support/child_process.hpp"

namespace tempoload::testing {

class Stack {
 public:
  // `map`: the register map both the simulator and the plugin load (the machine's kind).
  explicit Stack(const std::string& scenario = "default.json",
                 const std::string& map = TEMPOLOAD_MAP);

  bool start_sim();
  bool start_gym();
  bool start_plugin();  // needs the simulator; reports to the gym when it runs

  std::filesystem::path dir() const { return dir_; }
  std::filesystem::path plugin_db() const { return dir_ / "plugin.db"; }
  int sim_port() const { return sim_port_; }
  int plugin_port() const { return plugin_port_; }
  int gym_port() const { return gym_port_; }
  std::string gym_url() const { return "http://127.0.0.1:" + std::to_string(gym_port_); }
  ChildProcess& plugin() { return *plugin_; }
  std::unique_ptr<tempoload::v1::GuidedSession::Stub> session_stub() const;
  std::unique_ptr<tempoload::v1::DynamometerTest::Stub> dynamometer_stub() const;
  std::string logs() const;  // tails of every log, for failure messages

 private:
  std::string scenario_;
  std::string map_;
  std::filesystem::path dir_;
  std::unique_ptr<ChildProcess> sim_, gym_, plugin_;
  int sim_port_ = -1, gym_port_ = -1, plugin_port_ = -1;
};

// A prescription the default scenario's athlete can do: 6 reps at 1700 N, 3 s up, 0.5 s top
// pause, 3.5 s down (counted in 3-4 s), 1 s bottom pause, calibrated range 0-9 cm.
tempoload::v1::StartSetRequest demo_request(const std::string& athlete_id);

}  // namespace tempoload::testing
