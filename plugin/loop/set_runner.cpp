#include "plugin/loop/set_runner.hpp"

#include <algorithm>

namespace tempoload::plugin {

using drivers::Command;
using drivers::DriveMode;
using drivers::Sample;
using drivers::StatusBit;

const char* to_string(FaultCode f) {
  switch (f) {
    case FaultCode::kNone: return "none";
    case FaultCode::kEstop: return "estop";
    case FaultCode::kWatchdog: return "watchdog";
    case FaultCode::kDriveFault: return "drive_fault";
    case FaultCode::kComms: return "comms";
    case FaultCode::kOverrun: return "overrun";
    case FaultCode::kNotReady: return "not_ready";
    case FaultCode::kRomExceeded: return "rom_exceeded";
  }
  return "unknown";
}

const char* describe(FaultCode f) {
  switch (f) {
    case FaultCode::kNone: return "no fault";
    case FaultCode::kEstop: return "e-stop pressed: machine unloaded; release it and reset";
    case FaultCode::kWatchdog: return "device watchdog tripped: the machine unloaded itself";
    case FaultCode::kDriveFault: return "the drive reported a fault: machine unloaded";
    case FaultCode::kComms: return "lost contact with the machine: set ended";
    case FaultCode::kOverrun: return "control loop missed its deadlines: machine unloaded";
    case FaultCode::kNotReady: return "machine did not become ready: check e-stop and drive";
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
        program_.emplace<protocols::SetProtocol>(
            req.spec, options_.calibration ? options_.calibration->clamp(req.range) : req.range);
      }
      set_id_ = req.set_id;
      stage_ = Stage::kResetting;
      stage_cycles_ = 0;
      comms_errors_in_row_ = 0;
      set_start_ns_ = now_ns;
      overrun_ = false;
      active_ = true;
    } else if (req.set_id == set_id_) {
      auto* calf = std::get_if<protocols::SetProtocol>(&program_);
      switch (req.kind) {
        case ControlKind::kStopSet:
          if (calf) calf->request_stop();
          if (auto* dyno = std::get_if<DynamometerProgram>(&program_)) dyno->request_stop();
          break;
        case ControlKind::kPauseSet:
          if (calf && calf->request_pause()) pause_start_ns_ = now_ns;
          break;
        case ControlKind::kResumeSet:
          if (calf) calf->request_resume();
          break;
        case ControlKind::kPainStop:
          if (calf) calf->request_stop_for_pain(req.pain_0_10);
          break;
        default: break;
      }
    }
  }
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
  if (const auto* protocol = std::get_if<protocols::SetProtocol>(&program_)) {
    const auto& tracker = protocol->tracker();
    e.phase = protocol->phase();
    e.target_position_m = tracker.target_position_m(e.t_s);
    e.phase_elapsed_s = tracker.phase_elapsed_s(e.t_s);
    e.phase_target_s = tracker.phase_target_s();
    e.reps_counted = tracker.reps_counted();
    if (kind == LoopEventKind::kRep) e.rep = tracker.last_rep();
    e.end_reason = protocol->end_reason();
    e.paused = e.phase == protocols::Phase::kPaused;
    if (e.paused) e.pause_elapsed_s = static_cast<double>(s.t_ns - pause_start_ns_) * 1e-9;
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
    if (auto* calf = std::get_if<protocols::SetProtocol>(&program_)) calf->fault();
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
  if (load.velocity_limit_mps > 0) {  // the drive caps the lowering speed (issue 3)
    c.mode = DriveMode::kEccentricVelocityLimited;
    c.velocity_limit_mps = load.velocity_limit_mps;
  }
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
  const protocols::SetUpdate u = std::get<protocols::SetProtocol>(program_).update(ms);
  const Command c = command_for(u.command);
  if (u.rep_completed) emit(LoopEventKind::kRep, s, c.force_n);
  if (u.finished) {
    emit(LoopEventKind::kFinished, s, 0);
    stage_ = Stage::kIdle;
    active_ = false;
  } else if (tick) {
    emit(LoopEventKind::kTick, s, c.force_n);
  }
  return last_command_ = c;
}

}  // namespace tempoload::plugin
