#include "plugin/session/session_worker.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "plugin/session/proto_conversion.hpp"
#include "plugin/session/end_reason.hpp"
#include "plugin/session/wall_clock.hpp"
#include "protocols/rep_metrics.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

constexpr double kLiveSymmetryMinForceN = 20.0;  // Tick.symmetry_index_pct below this: 0

std::string end_reason_text(const LoopEvent& e) {
  return plugin::end_reason_text(e.fault, e.end_reason, "target reached");
}

}  // namespace

SessionWorker::SessionWorker(SetRunner::EventQueue& events, SetRunner::TickQueue& ticks,
                             SessionStore& store, GuidanceHub& hub,
                             std::function<void()> on_report_queued)
    : events_(events),
      ticks_(ticks),
      store_(store),
      hub_(hub),
      on_report_queued_(std::move(on_report_queued)) {}

SessionWorker::~SessionWorker() { stop(); }

void SessionWorker::expect(SessionPlan plan) {
  std::lock_guard lock(mutex_);
  hub_.open_session(plan.session_id);
  const auto id = plan.set_id;
  plans_[id] = std::move(plan);
}

std::optional<SessionPlan> SessionWorker::busy() const {
  std::lock_guard lock(mutex_);
  if (plans_.empty()) return std::nullopt;
  return plans_.begin()->second;
}

bool SessionWorker::set_paused(std::uint32_t set_id, bool paused) {
  std::lock_guard lock(mutex_);
  auto it = plans_.find(set_id);
  if (it == plans_.end() || it->second.paused == paused) return false;
  it->second.paused = paused;
  return true;
}

void SessionWorker::start() {
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void SessionWorker::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
}

void SessionWorker::run() {
  while (running_) {
    if (!drain()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (!unfinished_.empty() && std::chrono::steady_clock::now() >= next_retry_) {
      retry_unfinished();
      next_retry_ = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    }
  }
  drain();
  retry_unfinished();
}

bool SessionWorker::drain() {
  bool any = false;
  LoopEvent e;
  // Ticks first, every one into its set's raw samples, before a set's end event closes them.
  bool have_tick = false;
  LoopEvent newest;
  while (ticks_.pop(e)) {
    record_tick(e);
    newest = e;
    have_tick = true;
  }
  while (events_.pop(e)) {
    any = true;
    handle(e);
  }
  // Only the newest tick matters to a display.
  if (have_tick) {
    any = true;
    publish_tick(newest);
  }
  return any;
}

void SessionWorker::record_tick(const LoopEvent& e) {
  {
    std::lock_guard lock(mutex_);
    if (!plans_.count(e.set_id)) return;
  }
  auto [it, inserted] = recorders_.try_emplace(e.set_id);
  if (inserted) drops_at_start_[e.set_id] = ticks_.dropped();
  it->second.add(e);
}

bool SessionWorker::finish(Finishing& f) {
  const auto& id = f.plan.session_id;
  v1::SessionReport report;
  try {
    report = store_.finish_session(id, f.summary, f.ended_at_unix_ms, f.end);
  } catch (const StoreError& err) {
    // Kept and retried: a finished set's results are never dropped unsent.
    if (f.attempts++ == 0) {
      spdlog::error("session {}: storing the result failed, retrying: {}", id, err.what());
      v1::GuidanceEvent fault;
      fault.set_session_id(id);
      fault.mutable_fault()->set_code(err.disk_full() ? "storage_full" : "storage");
      fault.mutable_fault()->set_message(std::string("could not store the result yet: ") +
                                         err.what());
      hub_.publish(fault, true);
    }
    return false;
  }
  spdlog::info("session {} finished: {} of {} reps counted ({})", id, f.summary.reps_counted(),
               f.summary.reps_attempted(), f.summary.end_reason());
  v1::GuidanceEvent ev;
  ev.set_session_id(id);
  *ev.mutable_set_finished() = report.sets(0);
  hub_.publish(ev, true);
  if (on_report_queued_) on_report_queued_();
  if (f.sample_count > 0) {
    try {
      store_.store_samples(id, 1, f.samples, f.sample_count, f.samples_dropped, unix_ms());
    } catch (const StoreError& err) {
      // Raw samples are detail, not results: logged and dropped, the report is queued.
      spdlog::error("session {}: {} raw samples not stored: {}", id, f.sample_count, err.what());
    }
  }
  return true;
}

void SessionWorker::retry_unfinished() {
  std::erase_if(unfinished_, [this](Finishing& f) { return finish(f); });
}

void SessionWorker::publish_tick(const LoopEvent& e) {
  std::string session_id;
  {
    std::lock_guard lock(mutex_);
    auto it = plans_.find(e.set_id);
    if (it == plans_.end()) return;
    session_id = it->second.session_id;
  }
  v1::GuidanceEvent ev;
  ev.set_session_id(session_id);
  auto* t = ev.mutable_tick();
  t->set_phase(to_proto(e.phase));
  t->set_target_position_m(e.target_position_m);
  t->set_actual_position_m(e.position_m);
  t->set_force_left_n(e.force_left_n);
  t->set_force_right_n(e.force_right_n);
  t->set_load_n(e.load_n);
  t->set_reps_counted(static_cast<std::uint32_t>(e.reps_counted));
  t->set_phase_elapsed_s(e.phase_elapsed_s);
  t->set_phase_target_s(e.phase_target_s);
  // Live symmetry only when the athlete is on the plates (below 20 N it is noise).
  const double total_n = e.force_left_n + e.force_right_n;
  if (total_n >= kLiveSymmetryMinForceN)
    t->set_symmetry_index_pct((e.force_right_n - e.force_left_n) / (0.5 * total_n) * 100);
  t->set_paused(e.paused);
  t->set_pause_elapsed_s(e.pause_elapsed_s);
  hub_.publish(ev, false);
}

void SessionWorker::handle(const LoopEvent& e) {
  SessionPlan plan;
  {
    std::lock_guard lock(mutex_);
    auto it = plans_.find(e.set_id);
    if (it == plans_.end()) {
      spdlog::warn("event for unknown set {} dropped", e.set_id);
      return;
    }
    plan = it->second;
  }
  v1::GuidanceEvent ev;
  ev.set_session_id(plan.session_id);
  try {
    switch (e.kind) {
      case LoopEventKind::kRep: {
        const auto spec = to_spec(plan.prescription);
        auto rep = to_proto(e.rep, protocols::cue_for(e.rep, spec.tempo, spec.min_range_fraction),
                            unix_ms());
        store_.add_rep(plan.session_id, rep);  // durable before anyone is told
        {
          std::lock_guard lock(mutex_);
          reps_[e.set_id].push_back(e.rep);
        }
        spdlog::info("session {} rep {}: {} (eccentric {:.2f} s, SI {:+.1f}%)", plan.session_id,
                     rep.index(), v1::RepVerdict_Name(rep.verdict()), rep.eccentric_s(),
                     rep.symmetry_index_pct());
        *ev.mutable_rep() = rep;
        hub_.publish(ev, true);
        break;
      }
      case LoopEventKind::kFault: {
        store_.add_fault(plan.session_id, to_string(e.fault), describe(e.fault), unix_ms());
        spdlog::error("session {}: fault {}: {}", plan.session_id, to_string(e.fault),
                      describe(e.fault));
        ev.mutable_fault()->set_code(to_string(e.fault));
        ev.mutable_fault()->set_message(describe(e.fault));
        hub_.publish(ev, true);
        break;
      }
      case LoopEventKind::kFinished: {
        std::vector<protocols::RepMetrics> reps;
        {
          std::lock_guard lock(mutex_);
          reps = std::move(reps_[e.set_id]);
          reps_.erase(e.set_id);
          plans_.erase(e.set_id);
        }
        Finishing f;
        f.plan = plan;
        f.summary = to_proto(protocols::summarize(reps), end_reason_text(e));
        f.ended_at_unix_ms = unix_ms();
        if (auto rec = recorders_.extract(e.set_id)) {
          const SetRecorder& r = rec.mapped();
          f.end.loaded_ms = r.loaded_ms();
          f.samples = r.encode();
          f.sample_count = static_cast<std::int64_t>(r.size());
          f.samples_dropped = static_cast<std::int64_t>(
              ticks_.dropped() - drops_at_start_[e.set_id] + r.over_capacity());
        }
        drops_at_start_.erase(e.set_id);
        if (!finish(f)) unfinished_.push_back(std::move(f));
        break;
      }
      case LoopEventKind::kTick: break;
    }
  } catch (const StoreError& err) {
    // Nothing is announced that is not stored: the athlete sees a fault instead.
    spdlog::error("session {}: storage failed: {}", plan.session_id, err.what());
    v1::GuidanceEvent fault;
    fault.set_session_id(plan.session_id);
    fault.mutable_fault()->set_code(err.disk_full() ? "storage_full" : "storage");
    fault.mutable_fault()->set_message(std::string("could not store the result: ") + err.what());
    hub_.publish(fault, true);
  }
}

}  // namespace tempoload::plugin
