#include "sim/athlete_model.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "sim/strength_model.hpp"

namespace tempoload::sim {

const char* to_string(AthletePhase p) {
  switch (p) {
    case AthletePhase::kWaiting:
      return "waiting";
    case AthletePhase::kSettling:
      return "settling";
    case AthletePhase::kConcentric:
      return "concentric";
    case AthletePhase::kTopPause:
      return "top_pause";
    case AthletePhase::kEccentric:
      return "eccentric";
    case AthletePhase::kBottomPause:
      return "bottom_pause";
    case AthletePhase::kLowering:
      return "lowering";
    case AthletePhase::kSetOver:
      return "set_over";
    case AthletePhase::kPushing:
      return "pushing";
    case AthletePhase::kResting:
      return "resting";
    case AthletePhase::kRaised:
      return "raised";
  }
  return "?";
}

namespace {

bool isometric(SetAction a) { return a == SetAction::kMvic || a == SetAction::kHold; }

Leg other(Leg leg) {
  if (leg == Leg::kLeft) return Leg::kRight;
  if (leg == Leg::kRight) return Leg::kLeft;
  return Leg::kBoth;
}

int leg_index(Leg leg) { return leg == Leg::kRight ? 1 : 0; }

}  // namespace

AthleteModel::AthleteModel(const Scenario& scenario, double travel_m, double moving_mass_kg)
    : scenario_(scenario), travel_m_(travel_m), mass_kg_(moving_mass_kg) {
  const double w = 2 * std::numbers::pi * kTrackingHz;
  kp_ = w * w;
  kd_ = 2 * w;  // damping ratio 1
  standing_n_ = mass_kg_ * kGravity;
  next_leg_ = scenario_.script_for(1).leg;
  next_action_ = scenario_.script_for(1).action;
  update_left_fraction();
  move_to(0, 0, 0, 0);
}

double AthleteModel::capacity_n() const {
  const double one_rm = scenario_.one_rm_for(script_.leg);
  if (scenario_.failure_model == FailureModel::kEpley)
    return epley_load_capacity_n(one_rm, reps_done_) + standing_n_;
  const double fresh = one_rm + standing_n_;
  return std::max(0.0, fresh * (1 - scenario_.fatigue_per_rep * reps_done_));
}

int AthleteModel::max_reps() const {
  if (script_.max_reps) return *script_.max_reps;
  return script_.action == SetAction::kEndurance ? INT_MAX : scenario_.max_reps;
}

void AthleteModel::update_left_fraction() {
  const bool before_set = phase_ == AthletePhase::kWaiting || phase_ == AthletePhase::kSettling;
  Leg leg = before_set ? next_leg_ : script_.leg;
  // Alfredson on the other leg: up on the good leg, down on the prescribed one.
  if (!before_set && phase_ == AthletePhase::kConcentric &&
      script_.action == SetAction::kEccentric && script_.raise == Raise::kOtherLeg)
    leg = other(leg);
  left_fraction_ = leg == Leg::kBoth ? scenario_.left_share : (leg == Leg::kLeft ? 1.0 : 0.0);
}

AthleteModel::Reference AthleteModel::reference(double t_s) const {
  // The segment in progress: the last one that has begun (the first before any has).
  std::size_t i = 0;
  while (i + 1 < moves_.size() && moves_[i + 1].t0_s <= t_s) ++i;
  const Move& m = moves_[i];
  if (m.dur_s <= 0 || t_s >= m.t0_s + m.dur_s) return {m.x1_m, 0, 0};
  if (t_s <= m.t0_s) return {m.x0_m, 0, 0};
  // A metronome-paced lift: constant speed with short constant-acceleration corners of
  // c = min(0.2 s, 10% of the move) at each end, as people move when they follow a tempo.
  const double T = m.dur_s, d = m.x1_m - m.x0_m, t = t_s - m.t0_s;
  const double c = std::min(0.2, 0.1 * T);
  const double v_max = d / (T - c);
  if (t < c) return {m.x0_m + 0.5 * v_max * t * t / c, v_max * t / c, v_max / c};
  if (t <= T - c) return {m.x0_m + 0.5 * v_max * c + v_max * (t - c), v_max, 0};
  const double tau = T - t;
  return {m.x1_m - 0.5 * v_max * tau * tau / c, v_max * tau / c, -v_max / c};
}

void AthleteModel::enter(AthletePhase p, double t_s) {
  phase_ = p;
  phase_start_s_ = t_s;
}

void AthleteModel::move_to(double x_target_m, double dur_s, double t_s, double x_m) {
  moves_.assign(1, Move{t_s, dur_s, x_m, x_target_m});
}

SimEvent AthleteModel::event(SimEvent::Kind kind, double t_s) const {
  SimEvent e;
  e.kind = kind;
  e.t_s = t_s;
  e.set = set_;
  e.rep = reps_done_;
  e.load_n = set_load_n_;
  return e;
}

void AthleteModel::start_rep(double t_s, double x_m, bool position_hold) {
  const int rep = reps_done_ + 1;
  plan_ = scenario_.plan_for(rep);
  failing_attempt_ = false;
  double t0 = t_s;
  if (script_.action == SetAction::kEndurance) {
    // Metronome: up on the beat, half a period up, half down, no pauses. Reps start on the
    // beat even when the last one ended a few ms late, so the cadence does not drift.
    const EndurancePlan& e = script_.endurance;
    const double period = endurance_period_s();
    plan_.tempo = Tempo{period / 2, 0, period / 2, 0};
    const int n = *scenario_.legs[leg_index(script_.leg)].endurance_reps;
    const double full = scenario_.range_fraction;
    if (rep > n) {
      failing_attempt_ = true;
      plan_.range_fraction = kFailedAttemptRange * e.final_range_fraction;
      plan_.note = "cannot rise";
    } else if (const int fade = std::min(e.fade_reps, n); fade > 0 && rep > n - fade) {
      const int i = rep - (n - fade);  // 1..fade: the last rep reaches final_range_fraction
      plan_.range_fraction = full + (e.final_range_fraction - full) * i / fade;
    }
    t0 = std::min(t_s, beat0_s_ + reps_done_ * period);
  }
  top_m_ = std::clamp(plan_.range_fraction, 0.0, 1.0) * travel_m_;
  rep_start_x_m_ = x_m;
  rep_peak_x_m_ = x_m;
  concentric_s_ = 0;
  if (script_.action == SetAction::kEccentric || position_hold) {
    enter(AthletePhase::kRaised, t_s);  // step_set decides whether to wait or to lift
    move_to(x_m, 0, t_s, x_m);
    return;
  }
  enter(AthletePhase::kConcentric, t0);
  move_to(top_m_, plan_.tempo.concentric_s, t0, x_m);
}

void AthleteModel::start_concentric(double t_s, double x_m) {
  enter(AthletePhase::kConcentric, t_s);
  move_to(top_m_, plan_.tempo.concentric_s, t_s, x_m);
}

void AthleteModel::start_eccentric(double t_s, double x_m) {
  enter(AthletePhase::kEccentric, t_s);
  const RepPlan& p = plan_;
  eccentric_total_s_ = p.tempo.eccentric_s + p.stall_s;
  if (p.stall_s <= 0) {
    move_to(0, p.tempo.eccentric_s, t_s, x_m);
    return;
  }
  // Lower, stop (first rising back by reverse_fraction of the range), then lower the rest.
  const double f = p.stall_at_fraction, t1 = p.tempo.eccentric_s * f;
  const double x_stall = x_m * (1 - f);
  const double x_back = x_stall + p.reverse_fraction * (x_m - rep_start_x_m_);
  const double half = p.stall_s / 2;
  moves_.clear();
  moves_.push_back(Move{t_s, t1, x_m, x_stall});
  moves_.push_back(Move{t_s + t1, half, x_stall, x_back});
  moves_.push_back(Move{t_s + t1 + half, half, x_back, x_back});
  moves_.push_back(Move{t_s + t1 + p.stall_s, p.tempo.eccentric_s - t1, x_back, 0});
}

void AthleteModel::start_effort(double t_s) {
  const double mvic = *scenario_.legs[leg_index(script_.leg)].mvic_n;
  const IsometricPlan& p = script_.isometric;
  // A seed per set and effort, so one effort's wobble does not depend on another's length.
  const auto seed = static_cast<std::uint32_t>(scenario_.seed * 7919u + set_ * 131u + reps_done_);
  effort_.emplace(p, standing_n_, p.fraction * mvic, mvic, seed);
  iso_force_n_ = standing_n_;
  enter(AthletePhase::kPushing, t_s);
}

void AthleteModel::begin_set(const AthleteInputs& in, std::vector<SimEvent>& events) {
  ++set_;
  script_ = scenario_.script_for(set_);
  next_leg_ = scenario_.script_for(set_ + 1).leg;
  next_action_ = scenario_.script_for(set_ + 1).action;
  reps_done_ = 0;
  set_load_n_ = in.load_target_n;
  events.push_back(event(SimEvent::Kind::kSetStarted, in.t_s));
  if (script_.action != SetAction::kReps || script_.leg != Leg::kBoth || !script_.note.empty()) {
    SimEvent e = event(SimEvent::Kind::kNote, in.t_s);
    char line[200];
    std::snprintf(line, sizeof line, "set %d: %s, %s leg%s%s%s", set_, to_string(script_.action),
                  to_string(script_.leg), script_.note.empty() ? "" : " (",
                  script_.note.c_str(), script_.note.empty() ? "" : ")");
    e.note = line;
    events.push_back(e);
  }
  beat0_s_ = in.t_s;
  if (isometric(script_.action)) {
    start_effort(in.t_s);
  } else {
    start_rep(in.t_s, in.position_m, in.position_hold);
  }
}

void AthleteModel::fail_rep(double t_s, double x_m, const char* why,
                            std::vector<SimEvent>& events) {
  SimEvent e = event(SimEvent::Kind::kRepFailed, t_s);
  e.rep = reps_done_ + 1;
  e.concentric_s = t_s - phase_start_s_;
  e.range_m = rep_peak_x_m_ - rep_start_x_m_;
  events.push_back(e);
  end_set(t_s, why, events);
  enter(AthletePhase::kLowering, t_s);
  move_to(0, kLoweringS, t_s, x_m);
}

void AthleteModel::end_set(double t_s, const char* why, std::vector<SimEvent>& events) {
  SimEvent e = event(SimEvent::Kind::kSetEnded, t_s);
  e.note = why;
  events.push_back(e);
}

double AthleteModel::update(const AthleteInputs& in, double dt_s, std::vector<SimEvent>& events) {
  const double t = in.t_s, x = in.position_m, target = in.load_target_n;
  // A heel-raise endurance test is done with body weight: the engaged drive is the signal, at
  // any force. Otherwise a commanded load starts a set and its going (< 20%) ends it.
  const bool before_set = phase_ == AthletePhase::kWaiting || phase_ == AthletePhase::kSettling;
  const bool by_drive = before_set ? next_action_ == SetAction::kEndurance
                                   : script_.action == SetAction::kEndurance;
  const bool loaded = by_drive ? in.drive_engaged : target > 0;
  const bool unloaded_for_set =
      by_drive ? !in.drive_engaged : target < kUnloadFraction * set_load_n_;
  switch (phase_) {
    case AthletePhase::kWaiting:
      move_to(0, 0, t, 0);
      if (loaded) {
        enter(AthletePhase::kSettling, t);
        load_on_s_ = t;
        settled_s_ = 0;
      }
      break;
    case AthletePhase::kSettling:
      if (!loaded) {
        enter(AthletePhase::kWaiting, t);
        load_on_s_.reset();
        break;
      }
      settled_s_ = in.resistance_n >= kStartFraction * target ? settled_s_ + dt_s : 0;
      if (settled_s_ >= scenario_.start_delay_s - 1e-9) begin_set(in, events);
      break;
    case AthletePhase::kConcentric:
    case AthletePhase::kTopPause:
    case AthletePhase::kEccentric:
    case AthletePhase::kBottomPause:
    case AthletePhase::kRaised:
    case AthletePhase::kPushing:
    case AthletePhase::kResting:
      set_load_n_ = std::max(set_load_n_, target);
      if (!in.position_hold && (by_drive ? !in.drive_engaged
                                         : target < kUnloadFraction * set_load_n_)) {
        events.push_back(event(SimEvent::Kind::kUnloaded, t));
        end_set(t, "unloaded", events);
        effort_.reset();
        enter(AthletePhase::kLowering, t);
        move_to(0, kLoweringS, t, x);
      } else if (isometric(script_.action)) {
        step_isometric(in, dt_s, events);
      } else {
        step_set(in, events);
      }
      break;
    case AthletePhase::kLowering:
      if (t - phase_start_s_ >= kLoweringS) {
        enter(unloaded_for_set ? AthletePhase::kWaiting : AthletePhase::kSetOver, t);
        if (phase_ == AthletePhase::kWaiting) load_on_s_.reset();
      }
      break;
    case AthletePhase::kSetOver:
      if (unloaded_for_set) {
        enter(AthletePhase::kWaiting, t);
        load_on_s_.reset();
      }
      break;
  }

  update_left_fraction();
  if (phase_ == AthletePhase::kPushing || phase_ == AthletePhase::kResting) return iso_force_n_;
  if (in.position_hold) return std::min(standing_n_, capacity_n());  // passive: goes along

  const Reference r = reference(t);
  const double v = in.velocity_mps;
  const double correction =
      std::clamp(kp_ * (r.x - x) + kd_ * (r.v - v), -kMaxCorrectionMps2, kMaxCorrectionMps2);
  const double accel = kGravity + r.a + correction;
  return std::clamp(mass_kg_ * accel + in.resistance_n, 0.0, capacity_n());
}

void AthleteModel::step_set(const AthleteInputs& in, std::vector<SimEvent>& events) {
  const double t = in.t_s, x = in.position_m;
  const double elapsed = t - phase_start_s_ + 1e-9;  // tolerate rounding of summed steps
  const Tempo& tempo = plan_.tempo;
  if (in.position_hold && phase_ != AthletePhase::kRaised &&
      phase_ != AthletePhase::kBottomPause) {
    // The machine took the platform over mid-rep: go along, then pick up from where it is.
    enter(AthletePhase::kRaised, t);
    move_to(x, 0, t, x);
    return;
  }
  switch (phase_) {
    case AthletePhase::kRaised:
      rep_peak_x_m_ = std::max(rep_peak_x_m_, x);
      if (in.position_hold) break;  // passive while the machine moves the platform
      if (x >= kHandOverFraction * top_m_) {
        // Handed over high enough: this is the top of the rep.
        concentric_s_ = t - phase_start_s_;
        top_m_ = x;
        enter(AthletePhase::kTopPause, t);
        move_to(x, 0, t, x);
      } else if (script_.action != SetAction::kEccentric || script_.raise == Raise::kOtherLeg) {
        start_concentric(t, x);
      } else {
        move_to(x, 0, t, x);  // eccentric-only: waits at the bottom for the machine
      }
      break;
    case AthletePhase::kConcentric:
      rep_peak_x_m_ = std::max(rep_peak_x_m_, x);
      if (failing_attempt_ && elapsed >= tempo.concentric_s) {
        fail_rep(t, x, "endurance failure", events);
      } else if (elapsed >= tempo.concentric_s && x >= top_m_ - kReachToleranceM) {
        concentric_s_ = t - phase_start_s_;
        enter(AthletePhase::kTopPause, t);
        move_to(top_m_, 0, t, top_m_);
      } else if (elapsed >= tempo.concentric_s + std::max(kMinGrindS, tempo.concentric_s)) {
        fail_rep(t, x, "failed rep", events);
      }
      break;
    case AthletePhase::kTopPause:
      rep_peak_x_m_ = std::max(rep_peak_x_m_, x);
      if (elapsed >= tempo.top_pause_s) {
        top_pause_s_ = t - phase_start_s_;
        start_eccentric(t, x);
      }
      break;
    case AthletePhase::kEccentric:
      if (elapsed >= eccentric_total_s_ && x <= kReachToleranceM) {
        ++reps_done_;
        SimEvent e = event(SimEvent::Kind::kRepCompleted, t);
        e.concentric_s = concentric_s_;
        e.top_pause_s = top_pause_s_;
        e.eccentric_s = t - phase_start_s_;
        e.range_m = rep_peak_x_m_ - rep_start_x_m_;
        e.note = plan_.note;
        events.push_back(e);
        if (reps_done_ >= max_reps()) {
          end_set(t, "max reps", events);
          enter(AthletePhase::kSetOver, t);
        } else {
          enter(AthletePhase::kBottomPause, t);
        }
        move_to(0, 0, t, 0);
      }
      break;
    case AthletePhase::kBottomPause:
      if (script_.action == SetAction::kEndurance) {
        if (t >= beat0_s_ + reps_done_ * endurance_period_s() - 1e-9)
          start_rep(t, x, in.position_hold);
      } else if (elapsed >= tempo.bottom_pause_s) {
        start_rep(t, x, in.position_hold);
      }
      break;
    default:
      break;
  }
}

void AthleteModel::step_isometric(const AthleteInputs& in, double dt_s,
                                  std::vector<SimEvent>& events) {
  const double t = in.t_s, since = t - phase_start_s_;
  if (phase_ == AthletePhase::kResting) {
    iso_force_n_ = standing_n_;
    if (since >= script_.isometric.rest_s - 1e-9) start_effort(t);
    return;
  }
  iso_force_n_ = effort_->force(since, dt_s);
  if (!effort_->done(since)) return;
  ++reps_done_;
  SimEvent e = event(SimEvent::Kind::kNote, t);
  char line[200];
  std::snprintf(line, sizeof line, "set %d effort %d (%s, %s leg): target %.0f N, peak %.0f N",
                set_, reps_done_, to_string(script_.action), to_string(script_.leg),
                effort_->target_n(), effort_->peak_n());
  e.note = line;
  events.push_back(e);
  effort_.reset();
  iso_force_n_ = standing_n_;
  if (reps_done_ >= script_.isometric.efforts) {
    end_set(t, "efforts done", events);
    enter(AthletePhase::kSetOver, t);
    move_to(0, kLoweringS, t, in.position_m);
  } else {
    enter(AthletePhase::kResting, t);
  }
}

}  // namespace tempoload::sim
