#include "plugin/session/session_worker.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "plugin/session/end_reason.hpp"
#include "plugin/session/proto_conversion.hpp"
#include "plugin/session/protocol_results.hpp"
#include "plugin/session/wall_clock.hpp"
#include "plugin/storage/test_results.hpp"
#include "protocols/rep_metrics.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

constexpr double kLiveSymmetryMinForceN = 20.0;  // Tick.symmetry_index_pct below this: 0

std::string end_reason_text(const LoopEvent& e) {
  return plugin::end_reason_text(e.fault, e.end_reason, "target reached");
}

// Tick.stage: where the session is, in the display's words.
std::string stage_text(const LoopEvent& e) {
  switch (e.stage) {
    case SessionStage::kSet:
      return e.set_count > 1
                 ? "set " + std::to_string(e.set_index + 1) + " of " + std::to_string(e.set_count)
                 : "set";
    case SessionStage::kRest:
      return "rest";
    case SessionStage::kWaiting:
      return "push to the band";
    case SessionStage::kHolding:
      return "hold";
    case SessionStage::kReady:
      return "relax";
    case SessionStage::kEffort:
      return "push!";
    case SessionStage::kLeg:
      return e.heel_leg == protocols::Legs::kRight ? "right leg" : "left leg";
    case SessionStage::kDone:
      return "done";
  }
  return "";
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
  // Only the newest tick matters to a display; it goes out before the events (a session's
  // final tick before its session_finished).
  if (have_tick) {
    any = true;
    publish_tick(newest);
  }
  while (events_.pop(e)) {
    any = true;
    handle(e);
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
    report = store_.close_session(id, f.results, f.ended_at_unix_ms, f.end);
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
  spdlog::info("session {} finished ({}): {}", id, to_string(f.plan.protocol), f.end_reason);
  // The last set (the only one of a one-set session), then the whole session: the last event.
  if (report.sets_size() > 0) {
    v1::GuidanceEvent ev;
    ev.set_session_id(id);
    *ev.mutable_set_finished() = report.sets(report.sets_size() - 1);
    hub_.publish(ev, true);
  }
  v1::GuidanceEvent done;
  done.set_session_id(id);
  *done.mutable_session_finished() = report;
  hub_.publish(done, true);
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
  t->set_rest_remaining_s(e.rest_remaining_s);
  t->set_set_number(static_cast<std::uint32_t>(e.set_index + 1));
  t->set_set_count(static_cast<std::uint32_t>(e.set_count));
  t->set_stage(stage_text(e));
  t->set_target_force_n(e.target_force_n);
  t->set_band_low_n(e.band_low_n);
  t->set_band_high_n(e.band_high_n);
  t->set_stage_remaining_s(e.stage_remaining_s);
  if (e.next_beat_in_s >= 0) t->set_next_beat_in_s(e.next_beat_in_s);
  hub_.publish(ev, false);
}

void SessionWorker::begin_set(const SessionPlan& plan, Progress& p, int index, double load_n) {
  if (index == 0 || !p.sets_begun.insert(index).second) return;
  v1::SetPrescription set = plan.prescription;
  double rest_s = set.rest_s();
  if (plan.protocol == CalfProtocol::kRmTest) {
    set.set_load_n(load_n);
    rest_s = plan.request.rm_test().rest_s();
  }
  store_.begin_set(plan.session_id, index + 1, set, rest_s);
}

void SessionWorker::on_rep(const SessionPlan& plan, Progress& p, const LoopEvent& e,
                           v1::GuidanceEvent& ev) {
  begin_set(plan, p, e.set_index, e.target_force_n);
  const auto spec = to_spec(plan.prescription);
  auto rep =
      to_proto(e.rep, protocols::cue_for(e.rep, spec.tempo, spec.min_range_fraction), unix_ms());
  store_.add_rep(plan.session_id, rep, e.set_index + 1);  // durable before anyone is told
  p.reps[e.set_index].push_back(e.rep);
  spdlog::info("session {} set {} rep {}: {} (eccentric {:.2f} s, SI {:+.1f}%)", plan.session_id,
               e.set_index + 1, rep.index(), v1::RepVerdict_Name(rep.verdict()), rep.eccentric_s(),
               rep.symmetry_index_pct());
  *ev.mutable_rep() = rep;
  hub_.publish(ev, true);
}

void SessionWorker::on_set_finished(const SessionPlan& plan, Progress& p, const LoopEvent& e,
                                    v1::GuidanceEvent& ev) {
  const int index = e.set_index;
  begin_set(plan, p, index, e.attempt_load_n);
  const auto& reps = p.reps[index];
  p.summaries[index] = set_summary(reps, end_reason_text(e), plan.prescription.leg());
  if (plan.protocol == CalfProtocol::kRmTest) {
    auto* a = p.protocol.mutable_rm_test()->add_attempts();
    a->set_index(static_cast<std::uint32_t>(index + 1));
    a->set_load_n(e.attempt_load_n);
    a->set_reps_counted(static_cast<std::uint32_t>(e.attempt_reps));
    a->set_end_reason(end_reason_text(e));
    spdlog::info("session {} RM attempt {}: {} reps at {:.0f} N", plan.session_id, index + 1,
                 e.attempt_reps, e.attempt_load_n);
    v1::GuidanceEvent attempt = ev;
    *attempt.mutable_rm_attempt() = *a;
    hub_.publish(attempt, true);
  }
  // The session goes on: tell the display now (the last set is told once it is stored).
  if (e.stage != SessionStage::kDone) {
    if (auto report = store_.load_report(plan.session_id); report && index < report->sets_size()) {
      v1::SetReport set = report->sets(index);
      *set.mutable_summary() = p.summaries[index];
      *ev.mutable_set_finished() = set;
      hub_.publish(ev, true);
    }
  }
}

void SessionWorker::complete_protocol_report(const SessionPlan& plan, Progress& p,
                                             const LoopEvent& e) {
  v1::SessionReport& r = p.protocol;
  switch (plan.protocol) {
    case CalfProtocol::kTempoSets:
      return;
    case CalfProtocol::kIsometricHold: {
      auto* iso = r.mutable_isometric();
      *iso->mutable_prescription() = plan.request.isometric();
      iso->set_target_n(e.target_force_n);
      iso->set_band_low_n(e.band_low_n);
      iso->set_band_high_n(e.band_high_n);
      std::uint32_t counted = 0;
      for (const auto& h : iso->holds()) counted += h.counted() ? 1 : 0;
      iso->set_holds_counted(counted);
      return;
    }
    case CalfProtocol::kMvicTest: {
      auto* mvic = r.mutable_mvic_test();
      *mvic->mutable_prescription() = plan.request.mvic_test();
      mvic->set_mvic_n(e.mvic_n);
      mvic->set_best_effort(static_cast<std::uint32_t>(e.mvic_best_effort));
      mvic->set_onset_method(kRfdOnsetMethod);
      if (e.mvic_n > 0 && e.fault == FaultCode::kNone) {
        // The athlete's MVIC on record (Coach.ListTestResults; isometric holds use it).
        v1::TestResult t;
        t.set_id("test-" + plan.session_id);
        t.set_athlete_id(plan.athlete_id);
        t.set_measured_at_unix_ms(unix_ms());
        t.set_recorded_by("machine");
        t.set_session_id(plan.session_id);
        // The test is single-leg (validated): its leg's plate force.
        if (plan.request.mvic_test().leg() == v1::LEG_RIGHT)
          t.mutable_mvic()->set_peak_force_right_n(e.mvic_n);
        else
          t.mutable_mvic()->set_peak_force_left_n(e.mvic_n);
        t.set_note("MVIC test on the machine: the best 1 s mean of the plate force");
        store_.with_db([&](Database& db) { save_test_result(db, t, unix_ms()); });
        mvic->set_test_result_id(t.id());
      }
      return;
    }
    case CalfProtocol::kRmTest: {
      auto* rm = r.mutable_rm_test();
      *rm->mutable_prescription() = plan.request.rm_test();
      fill_rm_answer(*rm, e.rm_result);
      if (e.rm_result.found && e.fault == FaultCode::kNone) {
        v1::TestResult t;
        t.set_id("test-" + plan.session_id);
        t.set_athlete_id(plan.athlete_id);
        t.set_measured_at_unix_ms(unix_ms());
        t.set_recorded_by("machine");
        t.set_session_id(plan.session_id);
        t.mutable_rm()->set_load_n(e.rm_result.load_n);
        t.mutable_rm()->set_reps(static_cast<std::uint32_t>(e.rm_result.target_rm));
        for (const auto& est : one_rm_estimates(e.rm_result.load_n,
                                                static_cast<std::uint32_t>(e.rm_result.target_rm)))
          *t.add_one_rm() = est;
        t.set_note("RM test on the machine: " + e.rm_result.how());
        store_.with_db([&](Database& db) { save_test_result(db, t, unix_ms()); });
        rm->set_test_result_id(t.id());
      }
      return;
    }
    case CalfProtocol::kHeelRiseTest: {
      auto* heel = r.mutable_heel_rise_test();
      *heel->mutable_prescription() = plan.request.heel_rise_test();
      add_heel_rise_symmetry(*heel);
      return;
    }
  }
}

void SessionWorker::on_finished(const SessionPlan& plan, Progress& p, const LoopEvent& e) {
  {
    std::lock_guard lock(mutex_);
    plans_.erase(e.set_id);
  }
  Finishing f;
  f.plan = plan;
  f.end_reason = end_reason_text(e);
  if (plan.protocol == CalfProtocol::kTempoSets || plan.protocol == CalfProtocol::kRmTest) {
    // A set cut short (fault, stop) has reps but no summary yet; set 1 always has one.
    p.reps.try_emplace(0);
    for (auto& [index, reps] : p.reps)
      if (!p.summaries.count(index))
        p.summaries[index] = set_summary(reps, f.end_reason, plan.prescription.leg());
    for (auto& [index, summary] : p.summaries) f.results.sets.emplace_back(index + 1, summary);
  }
  complete_protocol_report(plan, p, e);
  if (plan.protocol != CalfProtocol::kTempoSets) f.results.protocol = p.protocol;
  f.ended_at_unix_ms = unix_ms();
  if (auto rec = recorders_.extract(e.set_id)) {
    const SetRecorder& r = rec.mapped();
    f.end.loaded_ms = r.loaded_ms();
    f.samples = r.encode();
    f.sample_count = static_cast<std::int64_t>(r.size());
    f.samples_dropped =
        static_cast<std::int64_t>(ticks_.dropped() - drops_at_start_[e.set_id] + r.over_capacity());
  }
  drops_at_start_.erase(e.set_id);
  if (!finish(f)) unfinished_.push_back(std::move(f));
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
  Progress& p = progress_[e.set_id];
  v1::GuidanceEvent ev;
  ev.set_session_id(plan.session_id);
  try {
    switch (e.kind) {
      case LoopEventKind::kRep:
        on_rep(plan, p, e, ev);
        break;
      case LoopEventKind::kSetFinished:
        on_set_finished(plan, p, e, ev);
        break;
      case LoopEventKind::kHold: {
        const auto hold = to_proto(e.hold);
        *p.protocol.mutable_isometric()->add_holds() = hold;
        spdlog::info("session {} hold {}: {:.1f} s in band ({})", plan.session_id, hold.index(),
                     hold.time_in_band_s(), hold.counted() ? "counted" : "not counted");
        *ev.mutable_hold() = hold;
        hub_.publish(ev, true);
        break;
      }
      case LoopEventKind::kMvicEffort: {
        const auto effort = to_proto(e.effort);
        *p.protocol.mutable_mvic_test()->add_efforts() = effort;
        spdlog::info("session {} MVIC effort {}: {:.0f} N (1 s mean), peak {:.0f} N",
                     plan.session_id, effort.index(), effort.best_window_mean_n(), effort.peak_n());
        *ev.mutable_mvic_effort() = effort;
        hub_.publish(ev, true);
        break;
      }
      case LoopEventKind::kHeelRiseRep: {
        v1::HeelRiseRep rep;
        rep.set_leg(to_proto_leg(e.heel_leg));
        rep.set_index(static_cast<std::uint32_t>(e.heel_rep));
        rep.set_height_m(e.heel_height_m);
        rep.set_work_j(e.heel_work_j);
        p.leg_reps.push_back(rep);
        *ev.mutable_heel_rise_rep() = rep;
        hub_.publish(ev, true);
        break;
      }
      case LoopEventKind::kLegFinished: {
        auto leg = to_proto(e.heel_leg, e.leg_result, e.leg_ending);
        for (auto& rep : p.leg_reps) *leg.add_reps_detail() = std::move(rep);
        p.leg_reps.clear();
        spdlog::info("session {} heel-rise {}: {} reps, {}", plan.session_id,
                     v1::Leg_Name(leg.leg()), leg.reps(), leg.ended_by());
        *p.protocol.mutable_heel_rise_test()->add_legs() = std::move(leg);
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
      case LoopEventKind::kFinished:
        on_finished(plan, p, e);
        progress_.erase(e.set_id);
        break;
      case LoopEventKind::kTick:
        break;
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
