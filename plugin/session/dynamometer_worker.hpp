// Consumes a dynamometer session's events off the control loop: stores the results after every
// rep (durable before the rep is announced), publishes the session's events, and at the end
// computes the metrics, finishes the session (report in the outbox) and announces it.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "plugin/loop/dynamometer_messages.hpp"
#include "plugin/session/dynamometer_report.hpp"
#include "plugin/session/event_hub.hpp"
#include "plugin/storage/session_store.hpp"
#include "tempoload/v1/dynamometer.pb.h"

namespace tempoload::plugin {

using DynamometerHub = EventHub<tempoload::v1::DynamometerEvent>;

struct DynamometerPlan {
  std::string session_id;
  std::uint32_t set_id = 0;
  tempoload::v1::StartDynamometerTestRequest prescription;  // defaults filled in
  protocols::DynoTestSpec spec;
};

class DynamometerWorker {
 public:
  DynamometerWorker(DynamometerQueues& queues, SessionStore& store, DynamometerHub& hub,
                    std::function<void()> on_report_queued);
  ~DynamometerWorker();

  // Registers a session before its start request goes to the loop.
  void expect(DynamometerPlan plan);
  // The session queued or running, if any.
  std::optional<DynamometerPlan> busy() const;
  void start();
  void stop();  // drains what is queued first

 private:
  struct Session {
    DynamometerPlan plan;
    DynamometerProgress progress;
  };

  void run();
  bool drain();
  void handle(const DynoLoopEvent& e);
  void publish_tick(const DynoLoopEvent& e);
  void finish(Session& s, const DynoLoopEvent& e);
  tempoload::v1::DynamometerEvent event_for(const Session& s) const;

  DynamometerQueues& queues_;
  SessionStore& store_;
  DynamometerHub& hub_;
  std::function<void()> on_report_queued_;

  mutable std::mutex mutex_;
  std::map<std::uint32_t, Session> sessions_;  // by set id
  std::thread thread_;
  std::atomic<bool> running_{false};
};

}  // namespace tempoload::plugin
