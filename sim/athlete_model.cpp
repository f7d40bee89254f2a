#include "sim/athlete_model.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

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
  }
  return "?";
}

AthleteModel::AthleteModel(const Scenario& scenario, double travel_m, double moving_mass_kg)
    : scenario_(scenario), travel_m_(travel_m), mass_kg_(moving_mass_kg) {
  const double w = 2 * std::numbers::pi * kTrackingHz;
  kp_ = w * w;
  kd_ = 2 * w;  // damping ratio 1
}

double AthleteModel::capacity_n() const {
  const double fresh = scenario_.one_rm_load_n + mass_kg_ * kGravity;
  return std::max(0.0, fresh * (1 - scenario_.fatigue_per_rep * reps_done_));
}

AthleteModel::Reference AthleteModel::reference(double t_s) const {
  const Move& m = move_;
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
  move_ = Move{t_s, dur_s, x_m, x_target_m};
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

void AthleteModel::start_rep(double t_s, double x_m) {
  plan_ = scenario_.plan_for(reps_done_ + 1);
  top_m_ = std::clamp(plan_.range_fraction, 0.0, 1.0) * travel_m_;
  rep_start_x_m_ = x_m;
  rep_peak_x_m_ = x_m;
  enter(AthletePhase::kConcentric, t_s);
  move_to(top_m_, plan_.tempo.concentric_s, t_s, x_m);
}

void AthleteModel::end_set(double t_s, const char* why, std::vector<SimEvent>& events) {
  SimEvent e = event(SimEvent::Kind::kSetEnded, t_s);
  e.note = why;
  events.push_back(e);
}

double AthleteModel::update(const AthleteInputs& in, double dt_s, std::vector<SimEvent>& events) {
  const double t = in.t_s, x = in.position_m, target = in.load_target_n;
  const bool loaded = target > 0;
  const bool unloaded_for_set = target < kUnloadFraction * set_load_n_;
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
      if (settled_s_ >= scenario_.start_delay_s - 1e-9) {
        ++set_;
        reps_done_ = 0;
        set_load_n_ = target;
        events.push_back(event(SimEvent::Kind::kSetStarted, t));
        start_rep(t, x);
      }
      break;
    case AthletePhase::kConcentric:
    case AthletePhase::kTopPause:
    case AthletePhase::kEccentric:
    case AthletePhase::kBottomPause:
      set_load_n_ = std::max(set_load_n_, target);
      if (target < kUnloadFraction * set_load_n_) {
        events.push_back(event(SimEvent::Kind::kUnloaded, t));
        end_set(t, "unloaded", events);
        enter(AthletePhase::kLowering, t);
        move_to(0, kLoweringS, t, x);
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
  switch (phase_) {
    case AthletePhase::kConcentric:
      rep_peak_x_m_ = std::max(rep_peak_x_m_, x);
      if (elapsed >= tempo.concentric_s && x >= top_m_ - kReachToleranceM) {
        concentric_s_ = t - phase_start_s_;
        enter(AthletePhase::kTopPause, t);
        move_to(top_m_, 0, t, top_m_);
      } else if (elapsed >= tempo.concentric_s + std::max(kMinGrindS, tempo.concentric_s)) {
        SimEvent e = event(SimEvent::Kind::kRepFailed, t);
        e.rep = reps_done_ + 1;
        e.concentric_s = t - phase_start_s_;
        e.range_m = rep_peak_x_m_ - rep_start_x_m_;
        events.push_back(e);
        end_set(t, "failed rep", events);
        enter(AthletePhase::kLowering, t);
        move_to(0, kLoweringS, t, x);
      }
      break;
    case AthletePhase::kTopPause:
      rep_peak_x_m_ = std::max(rep_peak_x_m_, x);
      if (elapsed >= tempo.top_pause_s) {
        top_pause_s_ = t - phase_start_s_;
        enter(AthletePhase::kEccentric, t);
        move_to(0, tempo.eccentric_s, t, x);
      }
      break;
    case AthletePhase::kEccentric:
      if (elapsed >= tempo.eccentric_s && x <= kReachToleranceM) {
        ++reps_done_;
        SimEvent e = event(SimEvent::Kind::kRepCompleted, t);
        e.concentric_s = concentric_s_;
        e.top_pause_s = top_pause_s_;
        e.eccentric_s = t - phase_start_s_;
        e.range_m = rep_peak_x_m_ - rep_start_x_m_;
        e.note = plan_.note;
        events.push_back(e);
        if (reps_done_ >= scenario_.max_reps) {
          end_set(t, "max reps", events);
          enter(AthletePhase::kSetOver, t);
        } else {
          enter(AthletePhase::kBottomPause, t);
        }
        move_to(0, 0, t, 0);
      }
      break;
    case AthletePhase::kBottomPause:
      if (elapsed >= tempo.bottom_pause_s) start_rep(t, x);
      break;
    default:
      break;
  }
}

}  // namespace tempoload::sim
