// Consumes the control loop's events off the loop thread: stores each rep durably before
// announcing it, finishes sessions (summary, stored report, outbox) and feeds the guidance hub.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "plugin/loop/set_runner.hpp"
#include "plugin/session/guidance_hub.hpp"
#include "plugin/session/set_recorder.hpp"
#include "plugin/storage/session_store.hpp"
#include "tempoload/v1/guided_session.pb.h"

namespace tempoload::plugin {

struct SessionPlan {
  std::string session_id;
  std::uint32_t set_id = 0;
  // Tempo sets: the set as prescribed (defaults filled in); an RM test: its attempts' tempo.
  tempoload::v1::SetPrescription prescription;
  std::string athlete_id;
  bool paused = false;  // PauseSet asked; ResumeSet clears it
  CalfProtocol protocol = CalfProtocol::kTempoSets;
  tempoload::v1::StartSetRequest request;  // as run: defaults, loads and the MVIC filled in
};

class SessionWorker {
 public:
  SessionWorker(SetRunner::EventQueue& events, SetRunner::TickQueue& ticks, SessionStore& store,
                GuidanceHub& hub, std::function<void()> on_report_queued);
  ~SessionWorker();

  // Registers a session before its start request goes to the loop.
  void expect(SessionPlan plan);
  // The session whose set is queued or running, if any.
  std::optional<SessionPlan> busy() const;
  // Marks the running set paused or not. False when it is not running or already in that state.
  bool set_paused(std::uint32_t set_id, bool paused);
  void start();
  void stop();  // drains what is queued first

  std::uint64_t ticks_dropped() const { return ticks_.dropped(); }

 private:
  void run();
  bool drain();
  void handle(const LoopEvent& e);
  void publish_tick(const LoopEvent& e);
  void record_tick(const LoopEvent& e);

  // What a running session has reported so far (worker thread).
  struct Progress {
    std::map<int, std::vector<protocols::RepMetrics>> reps;  // by 0-based set index
    std::map<int, tempoload::v1::SetSummary> summaries;      // sets that have ended
    std::set<int> sets_begun;                                // stored set rows (index 0 always)
    tempoload::v1::SessionReport protocol;  // the protocol's report, built as results arrive
    std::vector<tempoload::v1::HeelRiseRep> leg_reps;  // the heel-rise leg under way
  };
  void on_rep(const SessionPlan& plan, Progress& p, const LoopEvent& e,
              tempoload::v1::GuidanceEvent& ev);
  void on_set_finished(const SessionPlan& plan, Progress& p, const LoopEvent& e,
                       tempoload::v1::GuidanceEvent& ev);
  void on_finished(const SessionPlan& plan, Progress& p, const LoopEvent& e);
  void begin_set(const SessionPlan& plan, Progress& p, int index, double load_n);
  void complete_protocol_report(const SessionPlan& plan, Progress& p, const LoopEvent& e);
  // A finished set whose results are not stored yet (e.g. disk full): retried, never dropped.
  struct Finishing {
    SessionPlan plan;
    SessionResults results;
    std::string end_reason;
    std::int64_t ended_at_unix_ms = 0;
    SessionEnd end;
    std::string samples;  // encoded raw samples
    std::int64_t sample_count = 0;
    std::int64_t samples_dropped = 0;
    int attempts = 0;
  };
  bool finish(Finishing& f);  // false when storing failed
  void retry_unfinished();

  SetRunner::EventQueue& events_;
  SetRunner::TickQueue& ticks_;
  SessionStore& store_;
  GuidanceHub& hub_;
  std::function<void()> on_report_queued_;

  mutable std::mutex mutex_;
  std::map<std::uint32_t, SessionPlan> plans_;  // by set id
  std::map<std::uint32_t, Progress> progress_;  // by set id
  // Worker thread only.
  std::map<std::uint32_t, SetRecorder> recorders_;         // by set id
  std::map<std::uint32_t, std::uint64_t> drops_at_start_;  // tick queue drops when recording began
  std::vector<Finishing> unfinished_;
  std::chrono::steady_clock::time_point next_retry_{};
  std::thread thread_;
  std::atomic<bool> running_{false};
};

}  // namespace tempoload::plugin
