#include "plugin/loop/set_runner.hpp"

#include <algorithm>

namespace tempoload::plugin {

using drivers::Command;
using drivers::DriveMode;
using drivers::Sample;
using drivers::StatusBit;

const char* to_string(FaultCode f) {
  switch (f) {
    case FaultCode::kNone:
      return "none";
    case FaultCode::kEstop:
      return "estop";
    case FaultCode::kWatchdog:
      return "watchdog";
    case FaultCode::kDriveFault:
      return "drive_fault";
    case FaultCode::kComms:
      return "comms";
    case FaultCode::kOverrun:
      return "overrun";
    case FaultCode::kNotReady:
      return "not_ready";
    case FaultCode::kRomExceeded:
      return "rom_exceeded";
  }
  return "unknown";
}

const char* describe(FaultCode f) {
  switch (f) {
    case FaultCode::kNone:
      return "no fault";
    case FaultCode::kEstop:
      return "e-stop pressed: machine unloaded; release it and reset";
    case FaultCode::kWatchdog:
      return "device watchdog tripped: the machine unloaded itself";
    case FaultCode::kDriveFault:
      return "the drive reported a fault: machine unloaded";
    case FaultCode::kComms:
      return "lost contact with the machine: set ended";
    case FaultCode::kOverrun:
      return "control loop missed its deadlines: machine unloaded";
    case FaultCode::kNotReady:
      return "machine did not become ready: check e-stop and drive";
    case FaultCode::kRomExceeded:
      return "the shaft went past the athlete's range of motion: motor off";
  }
  return "unknown fault";
}

SetRunner::SetRunner(RunnerOptions options, EventQueue& events, TickQueue& ticks,
                     DynamometerQueues* dynamometer)
    : options_(options), events_(events), ticks_(ticks), dynamometer_(dynamometer) {}

bool SetRunner::post(const ControlRequest& request) {
  std::lock_guard lock(post_mutex_);
  return requests_.push(request);
}

void SetRunner::on_overrun_fault() { overrun_ = true; }

FaultCode SetRunner::check_machine(const Sample& s) const {
  if (s.has(StatusBit::kEstop)) return FaultCode::kEstop;
  if (s.has(StatusBit::kWatchdogTripped)) return FaultCode::kWatchdog;
  if (s.has(StatusBit::kDriveFault)) return FaultCode::kDriveFault;
  return FaultCode::kNone;
}

const char* to_string(CalfProtocol p) {
  switch (p) {
    case CalfProtocol::kTempoSets:
      return "tempo sets";
    case CalfProtocol::kIsometricHold:
      return "isometric holds";
    case CalfProtocol::kMvicTest:
      return "MVIC test";
    case CalfProtocol::kRmTest:
      return "RM test";
    case CalfProtocol::kHeelRiseTest:
      return "heel-rise test";
  }
  return "unknown";
}

void SetRunner::start_calf(const ControlRequest& req) {
  const protocols::RangeOfMotion range =
      options_.calibration ? options_.calibration->clamp(req.range) : req.range;
  switch (req.protocol) {
    case CalfProtocol::kTempoSets:
      program_.emplace<protocols::SessionProtocol>(req.plan, range,
                                                   protocols::MachineLimits{options_.max_force_n});
      break;
    case CalfProtocol::kIsometricHold:
      program_.emplace<protocols::IsometricHoldProtocol>(req.isometric);
      break;
    case CalfProtocol::kMvicTest:
      program_.emplace<protocols::MvicTest>(req.mvic);
      break;
    case CalfProtocol::kRmTest: {
      protocols::RmTestSessionSpec spec = req.rm_test;
      spec.test.max_load_n = std::min(spec.test.max_load_n, options_.max_force_n);
      program_.emplace<protocols::RmTestSession>(spec, range);
      break;
    }
    case CalfProtocol::kHeelRiseTest:
      program_.emplace<protocols::HeelRiseSession>(req.heel_rise, range);
      break;
  }
}

void SetRunner::handle_requests(std::int64_t now_ns) {
  ControlRequest req;
  while (requests_.pop(req)) {
    if (req.kind == ControlKind::kStartSet || req.kind == ControlKind::kStartDynamometerTest) {
      if (stage_ != Stage::kIdle) continue;  // the service refuses this before posting
      if (req.kind == ControlKind::kStartDynamometerTest) {
        if (!dynamometer_) continue;  // not a dynamometer: the service refuses this first
        program_.emplace<DynamometerProgram>(req.dynamometer, req.set_id, options_.dynamometer,
                                             *dynamometer_);
      } else {
        start_calf(req);
      }
      stop_reason_ = protocols::EndReason::kNone;
      set_id_ = req.set_id;
      stage_ = Stage::kResetting;
      stage_cycles_ = 0;
      comms_errors_in_row_ = 0;
      set_start_ns_ = now_ns;
      overrun_ = false;
      active_ = true;
    } else if (req.set_id == set_id_) {
      auto* sets = std::get_if<protocols::SessionProtocol>(&program_);
      auto* rm = std::get_if<protocols::RmTestSession>(&program_);
      switch (req.kind) {
        case ControlKind::kStopSet:
        case ControlKind::kPainStop: {
          const bool pain = req.kind == ControlKind::kPainStop;
          if (stop_reason_ == protocols::EndReason::kNone)
            stop_reason_ = pain ? protocols::EndReason::kPain : protocols::EndReason::kStopped;
          std::visit(
              [&](auto& p) {
                using P = std::decay_t<decltype(p)>;
                if constexpr (std::is_same_v<P, protocols::SessionProtocol> ||
                              std::is_same_v<P, protocols::RmTestSession> ||
                              std::is_same_v<P, protocols::HeelRiseSession>) {
                  if (pain)
                    p.request_stop_for_pain(req.pain_0_10);
                  else
                    p.request_stop();
                } else if constexpr (!std::is_same_v<P, std::monostate>) {
                  p.request_stop();
                }
              },
              program_);
          break;
        }
        case ControlKind::kPauseSet:
          if ((sets && sets->request_pause()) || (rm && rm->request_pause()))
            pause_start_ns_ = now_ns;
          break;
        case ControlKind::kResumeSet:
          if (sets) sets->request_resume();
          if (rm) rm->request_resume();
          break;
        default:
          break;
      }
    }
  }
}

namespace {

// The tempo set under way in a program that runs them (sets, RM attempts), else null.
const protocols::SetProtocol* tempo_set_of(const protocols::SessionProtocol& p) {
  return p.current_set();
}
const protocols::SetProtocol* tempo_set_of(const protocols::RmTestSession& p) {
  return p.current_set();
}

}  // namespace

void SetRunner::describe(LoopEvent& e, const Sample& s) const {
  const double t_s = e.t_s;
  const protocols::SetProtocol* set = nullptr;
  if (const auto* p = std::get_if<protocols::SessionProtocol>(&program_)) {
    set = tempo_set_of(*p);
    e.stage = p->stage() == protocols::SessionStage::kRest   ? SessionStage::kRest
              : p->stage() == protocols::SessionStage::kDone ? SessionStage::kDone
                                                             : SessionStage::kSet;
    e.set_index = p->set_index();
    e.set_count = p->set_count();
    e.rest_remaining_s = p->rest_remaining_s();
    e.end_reason = p->end_reason();
    e.target_force_n = p->capped_load_n(p->set_index());
  } else if (const auto* rm = std::get_if<protocols::RmTestSession>(&program_)) {
    set = tempo_set_of(*rm);
    e.stage = rm->stage() == protocols::RmStage::kRest   ? SessionStage::kRest
              : rm->stage() == protocols::RmStage::kDone ? SessionStage::kDone
                                                         : SessionStage::kSet;
    // The attempt under way or next (0-based); when done, the last one.
    e.set_index = std::max(0, rm->attempts_finished() - (e.stage == SessionStage::kDone ? 1 : 0));
    e.set_count = rm->max_attempts();
    e.rest_remaining_s = rm->rest_remaining_s();
    e.end_reason = rm->end_reason();
    e.target_force_n = rm->attempt_load_n();
    e.rm_result = rm->test().result();
  } else if (const auto* iso = std::get_if<protocols::IsometricHoldProtocol>(&program_)) {
    switch (iso->stage()) {
      case protocols::HoldStage::kWaiting:
        e.stage = SessionStage::kWaiting;
        break;
      case protocols::HoldStage::kHolding:
        e.stage = SessionStage::kHolding;
        break;
      case protocols::HoldStage::kRest:
        e.stage = SessionStage::kRest;
        break;
      case protocols::HoldStage::kDone:
        e.stage = SessionStage::kDone;
        break;
    }
    e.set_index = iso->holds_done();
    e.target_force_n = iso->target_n();
    e.band_low_n = iso->band_low_n();
    e.band_high_n = iso->band_high_n();
    e.stage_remaining_s = iso->stage_remaining_s();
    if (e.stage == SessionStage::kRest) e.rest_remaining_s = e.stage_remaining_s;
  } else if (const auto* mvic = std::get_if<protocols::MvicTest>(&program_)) {
    switch (mvic->stage()) {
      case protocols::MvicStage::kReady:
        e.stage = SessionStage::kReady;
        break;
      case protocols::MvicStage::kEffort:
        e.stage = SessionStage::kEffort;
        break;
      case protocols::MvicStage::kRest:
        e.stage = SessionStage::kRest;
        break;
      case protocols::MvicStage::kDone:
        e.stage = SessionStage::kDone;
        break;
    }
    e.set_index = mvic->efforts_done();
    e.stage_remaining_s = mvic->stage_remaining_s(t_s);
    if (e.stage == SessionStage::kRest) e.rest_remaining_s = e.stage_remaining_s;
    e.mvic_n = mvic->mvic_n();
    e.mvic_best_effort = mvic->best_effort();
  } else if (const auto* heel = std::get_if<protocols::HeelRiseSession>(&program_)) {
    e.stage = heel->stage() == protocols::HeelRiseStage::kRest   ? SessionStage::kRest
              : heel->stage() == protocols::HeelRiseStage::kDone ? SessionStage::kDone
                                                                 : SessionStage::kLeg;
    e.set_index = heel->leg_index();
    e.set_count = heel->leg_count();
    e.rest_remaining_s = heel->rest_remaining_s();
    e.heel_leg = heel->leg();
    if (const auto* test = heel->current()) {
      e.heel_rep = test->result().reps;
      const double beat = test->next_beat_t_s();
      e.next_beat_in_s = beat < 0 ? -1 : std::max(0.0, beat - t_s);
    }
    e.end_reason = heel->end_reason();
  }
  if (set) {
    const auto& tracker = set->tracker();
    e.phase = set->phase();
    e.target_position_m = tracker.target_position_m(t_s);
    e.phase_elapsed_s = tracker.phase_elapsed_s(t_s);
    e.phase_target_s = tracker.phase_target_s();
    e.reps_counted = tracker.reps_counted();
    e.paused = e.phase == protocols::Phase::kPaused;
    if (e.paused) e.pause_elapsed_s = static_cast<double>(s.t_ns - pause_start_ns_) * 1e-9;
  }
  // Protocols without end reasons of their own: what stopped them, else they ran through.
  if (e.end_reason == protocols::EndReason::kNone)
    e.end_reason = stop_reason_ != protocols::EndReason::kNone
                       ? stop_reason_
                       : protocols::EndReason::kTargetReached;
}

void SetRunner::emit(LoopEventKind kind, const Sample& s, double load_n, FaultCode fault) {
  LoopEvent e;
  e.kind = kind;
  e.fault = fault;
  e.set_id = set_id_;
  e.t_s = static_cast<double>(s.t_ns - set_start_ns_) * 1e-9;
  e.position_m = s.position_m;
  e.force_left_n = s.force_left_n;
  e.force_right_n = s.force_right_n;
  e.load_n = load_n;
  describe(e, s);
  if (const auto* p = std::get_if<protocols::SessionProtocol>(&program_)) {
    if (kind == LoopEventKind::kRep) e.rep = p->current_set()->tracker().last_rep();
    if (kind == LoopEventKind::kSetFinished) {  // the set that just ended
      e.set_index = p->sets_finished() - 1;
      e.end_reason = p->current_set()->end_reason();
    }
  }
  if (const auto* rm = std::get_if<protocols::RmTestSession>(&program_)) {
    if (kind == LoopEventKind::kRep) e.rep = rm->current_set()->tracker().last_rep();
    if (kind == LoopEventKind::kSetFinished) {  // the attempt that just ended
      e.set_index = rm->attempts_finished() - 1;
      e.end_reason = rm->last_attempt_end();
      e.attempt_load_n = rm->last_attempt_load_n();
      e.attempt_reps = rm->last_attempt_reps();
    }
  }
  if (kind == LoopEventKind::kHold) {
    if (const auto* iso = std::get_if<protocols::IsometricHoldProtocol>(&program_))
      e.hold = iso->last_hold();
  }
  if (kind == LoopEventKind::kMvicEffort) {
    if (const auto* mvic = std::get_if<protocols::MvicTest>(&program_))
      e.effort = mvic->last_effort();
  }
  if (const auto* heel = std::get_if<protocols::HeelRiseSession>(&program_)) {
    if (kind == LoopEventKind::kHeelRiseRep && heel->current()) {
      e.heel_height_m = heel->current()->last_height_m();
      e.heel_work_j = heel->current()->last_work_j();
    }
    if (kind == LoopEventKind::kLegFinished) {
      e.heel_leg = heel->last_leg();
      e.leg_result = heel->last_leg_result();
      e.leg_ending = heel->last_leg_ending();
    }
  }
  if (kind == LoopEventKind::kTick)
    ticks_.push(e);
  else
    events_.push(e);
}

void SetRunner::fail(FaultCode code, const Sample& s) {
  if (auto* dyno = std::get_if<DynamometerProgram>(&program_)) {
    dyno->fault(code, s, static_cast<double>(s.t_ns - set_start_ns_) * 1e-9);
  } else {
    std::visit(
        [](auto& p) {
          using P = std::decay_t<decltype(p)>;
          if constexpr (std::is_same_v<P, protocols::SessionProtocol> ||
                        std::is_same_v<P, protocols::RmTestSession> ||
                        std::is_same_v<P, protocols::HeelRiseSession>)
            p.fault();
          else if constexpr (std::is_same_v<P, protocols::IsometricHoldProtocol> ||
                             std::is_same_v<P, protocols::MvicTest>)
            p.request_stop();
        },
        program_);
    stop_reason_ = protocols::EndReason::kFault;
    emit(LoopEventKind::kFault, s, 0, code);
    emit(LoopEventKind::kFinished, s, 0, code);
  }
  stage_ = Stage::kIdle;
  active_ = false;
}

Command SetRunner::command_for(const protocols::LoadCommand& load) const {
  Command c;
  if (!load.engaged) return c;  // mode off
  c.mode = DriveMode::kIsotonic;
  c.force_n = std::clamp(load.force_n, 0.0, options_.max_force_n);
  if (load.hold_position) {  // eccentric-only: the machine raises the platform
    c.mode = DriveMode::kPositionHold;
    c.position_m = load.position_m;
    c.velocity_limit_mps = load.raise_speed_mps;
    return c;
  }
  if (load.velocity_limit_mps > 0) {  // the drive caps the lowering speed (issue 3)
    c.mode = DriveMode::kEccentricVelocityLimited;
    c.velocity_limit_mps = load.velocity_limit_mps;
  }
  return c;
}

Command SetRunner::command_for(const protocols::HoldCommand& hold) const {
  Command c;
  if (!hold.hold_position) return c;  // released: mode off
  c.mode = DriveMode::kPositionHold;
  c.position_m = hold.position_m;
  c.force_n = options_.max_force_n;  // the servo may resist up to the machine's limit
  return c;
}

void SetRunner::end_session(const Sample& s) {
  emit(LoopEventKind::kTick, s, 0);  // the final state for the display: done, unloaded
  emit(LoopEventKind::kFinished, s, 0);
  stage_ = Stage::kIdle;
  active_ = false;
}

Command SetRunner::step(protocols::SessionProtocol& p, const protocols::MotionSample& ms,
                        const Sample& s, bool tick) {
  const protocols::SessionUpdate u = p.update(ms);
  const Command c = command_for(u.command);
  if (u.rep_completed) emit(LoopEventKind::kRep, s, c.force_n);
  if (u.set_finished) emit(LoopEventKind::kSetFinished, s, c.force_n);
  if (u.finished)
    end_session(s);
  else if (tick)
    emit(LoopEventKind::kTick, s, c.force_n);
  return c;
}

Command SetRunner::step(protocols::RmTestSession& p, const protocols::MotionSample& ms,
                        const Sample& s, bool tick) {
  const protocols::RmTestUpdate u = p.update(ms);
  const Command c = command_for(u.command);
  if (u.rep_completed) emit(LoopEventKind::kRep, s, c.force_n);
  if (u.attempt_finished) emit(LoopEventKind::kSetFinished, s, c.force_n);
  if (u.finished)
    end_session(s);
  else if (tick)
    emit(LoopEventKind::kTick, s, c.force_n);
  return c;
}

Command SetRunner::step(protocols::IsometricHoldProtocol& p, const protocols::MotionSample& ms,
                        const Sample& s, bool tick) {
  const protocols::HoldUpdate u = p.update(ms);
  const Command c = command_for(u.command);
  if (u.hold_finished) emit(LoopEventKind::kHold, s, 0);
  if (u.finished)
    end_session(s);
  else if (tick)
    emit(LoopEventKind::kTick, s, 0);
  return c;
}

Command SetRunner::step(protocols::MvicTest& p, const protocols::MotionSample& ms, const Sample& s,
                        bool tick) {
  const protocols::MvicUpdate u = p.update(ms);
  const Command c = command_for(u.command);
  if (u.effort_finished) emit(LoopEventKind::kMvicEffort, s, 0);
  if (u.finished)
    end_session(s);
  else if (tick)
    emit(LoopEventKind::kTick, s, 0);
  return c;
}

Command SetRunner::step(protocols::HeelRiseSession& p, const protocols::MotionSample& ms,
                        const Sample& s, bool tick) {
  const protocols::HeelRiseUpdate u = p.update(ms);
  const Command c = command_for(u.command);
  if (u.rep_counted) emit(LoopEventKind::kHeelRiseRep, s, c.force_n);
  if (u.leg_finished) emit(LoopEventKind::kLegFinished, s, c.force_n);
  if (u.finished)
    end_session(s);
  else if (tick)
    emit(LoopEventKind::kTick, s, c.force_n);
  return c;
}

Command SetRunner::on_cycle(const Sample& raw, drivers::CycleResult read, std::int64_t now_ns) {
  // Calibrated forces for everything below (protocols, reps, ticks); raw ones kept for zeroing.
  const Sample s = options_.calibration ? options_.calibration->apply(raw) : raw;
  ++cycle_;
  handle_requests(now_ns);
  const bool fresh = read == drivers::CycleResult::kOk;
  responding_.store(fresh, std::memory_order_relaxed);
  if (fresh) last_status_.store(s.status, std::memory_order_relaxed);

  if (stage_ == Stage::kIdle) return last_command_ = Command{};

  // Comms: keep the last command briefly (the device watchdog still guards it), then give up.
  if (!fresh) {
    if (++comms_errors_in_row_ > options_.max_comms_errors_in_set) {
      fail(FaultCode::kComms, s);
      return last_command_ = Command{};
    }
    return last_command_;
  }
  comms_errors_in_row_ = 0;
  if (overrun_.exchange(false)) {
    fail(FaultCode::kOverrun, s);
    return last_command_ = Command{};
  }

  if (stage_ == Stage::kResetting) {
    // Clear a watchdog latched by an earlier run (e.g. after a crash); an e-stop is a person's
    // decision and is never reset by starting a set.
    if (s.has(StatusBit::kEstop)) {
      fail(FaultCode::kEstop, s);
      return last_command_ = Command{};
    }
    ++stage_cycles_;
    if (check_machine(s) == FaultCode::kNone && s.has(StatusBit::kReady) &&
        stage_cycles_ > options_.reset_cycles) {
      stage_ = Stage::kRunning;
      set_start_ns_ = s.t_ns;
    } else if (stage_cycles_ > options_.ready_timeout_cycles) {
      fail(FaultCode::kNotReady, s);
      return last_command_ = Command{};
    }
    Command c;
    c.reset_faults = stage_cycles_ <= options_.reset_cycles;
    return last_command_ = c;
  }

  if (const FaultCode f = check_machine(s); f != FaultCode::kNone) {
    fail(f, s);
    return last_command_ = Command{};
  }

  const double t_s = static_cast<double>(s.t_ns - set_start_ns_) * 1e-9;
  const bool tick = cycle_ % static_cast<std::uint64_t>(options_.tick_every_cycles) == 0;
  if (auto* dyno = std::get_if<DynamometerProgram>(&program_)) {
    const DynamometerProgram::Result r = dyno->cycle(s, t_s, tick);
    if (r.fault != FaultCode::kNone) {
      fail(r.fault, s);
      return last_command_ = Command{};
    }
    if (r.finished) {
      stage_ = Stage::kIdle;
      active_ = false;
    }
    return last_command_ = r.command;
  }

  const protocols::MotionSample ms{t_s, s.position_m, s.velocity_mps, s.force_left_n,
                                   s.force_right_n};
  return last_command_ = std::visit(
             [&](auto& p) -> Command {
               using P = std::decay_t<decltype(p)>;
               if constexpr (std::is_same_v<P, std::monostate> ||
                             std::is_same_v<P, DynamometerProgram>)
                 return Command{};
               else
                 return step(p, ms, s, tick);
             },
             program_);
}

}  // namespace tempoload::plugin
