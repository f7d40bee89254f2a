#include "plugin/session/dynamometer_worker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "plugin/session/dynamometer_request.hpp"
#include "plugin/session/end_reason.hpp"
#include "plugin/session/wall_clock.hpp"
#include "plugin/storage/dynamometer_results.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

using protocols::rad_to_deg;

std::string end_reason_text(const DynoLoopEvent& e) {
  return plugin::end_reason_text(e.fault, e.end_reason, "completed");
}

v1::DynamometerPhase to_proto(protocols::DynoPhase p) {
  switch (p) {
    case protocols::DynoPhase::kPositioning:
      return v1::DYNAMOMETER_PHASE_POSITIONING;
    case protocols::DynoPhase::kReady:
      return v1::DYNAMOMETER_PHASE_READY;
    case protocols::DynoPhase::kEffort:
      return v1::DYNAMOMETER_PHASE_EFFORT;
    case protocols::DynoPhase::kReturn:
      return v1::DYNAMOMETER_PHASE_RETURN;
    case protocols::DynoPhase::kRest:
      return v1::DYNAMOMETER_PHASE_REST;
    case protocols::DynoPhase::kGravity:
      return v1::DYNAMOMETER_PHASE_GRAVITY;
    case protocols::DynoPhase::kStopping:
      return v1::DYNAMOMETER_PHASE_STOPPING;
    case protocols::DynoPhase::kDone:
      return v1::DYNAMOMETER_PHASE_DONE;
  }
  return v1::DYNAMOMETER_PHASE_UNSPECIFIED;
}

}  // namespace

DynamometerWorker::DynamometerWorker(DynamometerQueues& queues, SessionStore& store,
                                     DynamometerHub& hub, std::function<void()> on_report_queued)
    : queues_(queues), store_(store), hub_(hub), on_report_queued_(std::move(on_report_queued)) {}

DynamometerWorker::~DynamometerWorker() { stop(); }

void DynamometerWorker::expect(DynamometerPlan plan) {
  std::lock_guard lock(mutex_);
  hub_.open_session(plan.session_id);
  const auto id = plan.set_id;
  sessions_[id] = Session{std::move(plan), {}};
}

std::optional<DynamometerPlan> DynamometerWorker::busy() const {
  std::lock_guard lock(mutex_);
  if (sessions_.empty()) return std::nullopt;
  return sessions_.begin()->second.plan;
}

void DynamometerWorker::start() {
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void DynamometerWorker::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
}

void DynamometerWorker::run() {
  while (running_) {
    if (!drain()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  drain();
}

bool DynamometerWorker::drain() {
  bool any = false;
  DynoLoopEvent e;
  while (queues_.events.pop(e)) {
    any = true;
    handle(e);
  }
  bool have_tick = false;  // only the newest tick matters to a display
  while (queues_.ticks.pop(e)) have_tick = true;
  if (have_tick) {
    any = true;
    publish_tick(e);
  }
  return any;
}

v1::DynamometerEvent DynamometerWorker::event_for(const Session& s) const {
  v1::DynamometerEvent ev;
  ev.set_session_id(s.plan.session_id);
  return ev;
}

void DynamometerWorker::publish_tick(const DynoLoopEvent& e) {
  v1::DynamometerEvent ev;
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(e.set_id);
    if (it == sessions_.end()) return;
    it->second.progress.series_begun = std::max(it->second.progress.series_begun, e.series);
    ev = event_for(it->second);
  }
  auto* t = ev.mutable_tick();
  t->set_phase(to_proto(e.phase));
  t->set_series(static_cast<std::uint32_t>(e.series));
  t->set_leg(to_proto(e.side));
  t->set_mode(to_proto(e.mode));
  t->set_reps_attempted(static_cast<std::uint32_t>(e.attempts));
  t->set_angle_deg(rad_to_deg(e.angle_rad));
  t->set_velocity_deg_s(rad_to_deg(e.velocity_radps));
  t->set_torque_nm(e.torque_nm);
  t->set_commanded_velocity_deg_s(rad_to_deg(e.commanded_velocity_radps));
  hub_.publish(ev, false);
}

void DynamometerWorker::handle(const DynoLoopEvent& e) {
  std::lock_guard lock(mutex_);  // the API only reads busy(); nothing here waits on it long
  auto it = sessions_.find(e.set_id);
  if (it == sessions_.end()) {
    spdlog::warn("dynamometer event for unknown session {} dropped", e.set_id);
    return;
  }
  Session& s = it->second;
  DynamometerProgress& p = s.progress;
  p.series_begun = std::max(p.series_begun, e.series);
  v1::DynamometerEvent ev = event_for(s);
  try {
    auto save = [&] {
      save_dynamometer_results(store_, s.plan.session_id,
                               build_dynamometer_report(s.plan.prescription, s.plan.spec, p, ""));
    };
    switch (e.kind) {
      case DynoEventKind::kRep: {
        p.reps.push_back(e.rep);
        p.rep_unix_ms.push_back(unix_ms());
        save();  // durable before anyone is told
        *ev.mutable_rep() = to_proto(e.rep, p.rep_unix_ms.back(), s.plan.spec);
        spdlog::info("session {} series {} rep {}: peak {:.1f} N m at {:.1f} deg, work {:.1f} J{}",
                     s.plan.session_id, e.rep.series, e.rep.index, e.rep.peak_torque_nm,
                     rad_to_deg(e.rep.angle_of_peak_rad), e.rep.work_j,
                     e.rep.complete ? "" : " (incomplete)");
        hub_.publish(ev, true);
        break;
      }
      case DynoEventKind::kGravity:
        p.gravity[static_cast<int>(e.side)] = e.gravity;
        save();
        *ev.mutable_gravity() = to_proto(e.side, e.gravity);
        hub_.publish(ev, true);
        break;
      case DynoEventKind::kSeriesFinished: {
        p.series_finished = std::max(p.series_finished, e.series);
        const auto report = build_dynamometer_report(s.plan.prescription, s.plan.spec, p, "");
        save_dynamometer_results(store_, s.plan.session_id, report);
        for (const auto& r : report.results())
          if (static_cast<int>(r.series()) == e.series) *ev.mutable_series_finished() = r;
        hub_.publish(ev, true);
        break;
      }
      case DynoEventKind::kFault:
        store_.add_fault(s.plan.session_id, to_string(e.fault), describe(e.fault), unix_ms());
        spdlog::error("session {}: fault {}: {}", s.plan.session_id, to_string(e.fault),
                      describe(e.fault));
        ev.mutable_fault()->set_code(to_string(e.fault));
        ev.mutable_fault()->set_message(describe(e.fault));
        hub_.publish(ev, true);
        break;
      case DynoEventKind::kFinished:
        finish(s, e);
        sessions_.erase(it);
        break;
      case DynoEventKind::kTick:
        break;
    }
  } catch (const StoreError& err) {
    // Nothing is announced that is not stored; a session left unfinished is closed by the
    // recovery at the next start.
    spdlog::error("session {}: storage failed: {}", s.plan.session_id, err.what());
    v1::DynamometerEvent fault = event_for(s);
    fault.mutable_fault()->set_code("storage");
    fault.mutable_fault()->set_message(std::string("could not store the result: ") + err.what());
    hub_.publish(fault, true);
    if (e.kind == DynoEventKind::kFinished) {
      v1::DynamometerEvent end = event_for(s);
      *end.mutable_finished() =
          build_dynamometer_report(s.plan.prescription, s.plan.spec, s.progress, "fault: storage");
      hub_.publish(end, true);
      sessions_.erase(it);
    }
  }
}

void DynamometerWorker::finish(Session& s, const DynoLoopEvent& e) {
  const std::string reason = end_reason_text(e);
  const auto results =
      build_dynamometer_report(s.plan.prescription, s.plan.spec, s.progress, reason);
  save_dynamometer_results(store_, s.plan.session_id, results);
  v1::SetSummary no_set;  // a dynamometer session has no set row to summarise
  no_set.set_end_reason(reason);
  const auto report = store_.finish_session(s.plan.session_id, no_set, unix_ms());
  spdlog::info("session {} finished ({}): {} reps in {} series", s.plan.session_id, reason,
               s.progress.reps.size(), results.results_size());
  v1::DynamometerEvent ev = event_for(s);
  *ev.mutable_finished() = report.dynamometer_test();
  hub_.publish(ev, true);
  if (on_report_queued_) on_report_queued_();
}

}  // namespace tempoload::plugin
