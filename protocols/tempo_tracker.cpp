#include "protocols/tempo_tracker.hpp"

#include <algorithm>
#include <cmath>

namespace tempoload::protocols {
namespace {

constexpr double kMinSpanM = 1e-6;  // guards a zero calibration against division by zero

// Tempo line: fraction of the travel done after elapsed_s of a duration_s phase. Constant speed
// with short constant-acceleration corners (0.15 s, at most 10% of the phase) so the display
// moves smoothly, yet an athlete who follows it spends little time inside the still deadband
// (which would shorten the measured phase).
double tempo_profile(double elapsed_s, double duration_s) {
  if (duration_s <= 0) return 1.0;
  const double c = std::min(0.15, 0.1 * duration_s);  // corner [s]
  const double peak = 1.0 / (duration_s - c);         // cruising speed [1/s]
  const double accel = peak / c;
  const double u = std::clamp(elapsed_s, 0.0, duration_s);
  if (u < c) return 0.5 * accel * u * u;
  if (u > duration_s - c) return 1.0 - 0.5 * accel * (duration_s - u) * (duration_s - u);
  return 0.5 * peak * c + peak * (u - c);
}

MotionDetectorTuning detector_tuning(const TrackerTuning& t) {
  return {t.still_velocity_fraction, t.motion_excursion, t.stop_confirm_s};
}

}  // namespace

TempoTracker::TempoTracker(const SetSpec& spec, const RangeOfMotion& rom,
                           const TrackerTuning& tuning)
    : spec_(spec),
      rom_(rom),
      tuning_(tuning),
      span_m_(std::max(rom.span(), kMinSpanM)),
      detector_(detector_tuning(tuning)) {}

bool TempoTracker::update(const MotionSample& s) {
  completed_ = false;
  if (!std::isfinite(s.t_s) || !std::isfinite(s.position_m) || !std::isfinite(s.velocity_mps)) {
    return false;
  }
  if (started_ && s.t_s < last_t_s_) return false;
  if (!started_) {
    started_ = true;
    phase_start_t_s_ = s.t_s;
  }
  last_t_s_ = s.t_s;

  const double p = (s.position_m - rom_.bottom_m) / span_m_;
  const MotionEvents ev = detector_.update(s.t_s, p, s.velocity_mps / span_m_);

  rep_acc_.add(s);
  if (ev.up_onset_mark) pre_acc_.reset();
  pre_acc_.add(s);
  if (ev.down_end_mark) end_acc_ = rep_acc_;

  if (ev.stopped) on_stop(ev);
  if (ev.started) on_start(ev);
  on_position(p);
  return completed_;
}

void TempoTracker::interrupt() {
  detector_ = MotionDetector(detector_tuning(tuning_));
  rep_acc_.reset();
  pre_acc_.reset();
  end_acc_.reset();
  turn_acc_.reset();
  started_ = false;
  rising_ = false;
  stopped_at_top_ = false;
  turn_pending_ = false;
  stalled_ = false;
  longest_stall_s_ = 0;
  prev_end_t_s_ = -1;
  phase_ = Phase::kReady;
}

void TempoTracker::on_stop(const MotionEvents& ev) {
  switch (phase_) {
    // A stop that turned back at once (not held) is left to on_start, which sees the turn.
    case Phase::kConcentric:
      if (ev.stop_held && ev.stop_p >= tuning_.top_band) {
        conc_end_t_s_ = ev.stop_t_s;
        stopped_at_top_ = true;
        enter(Phase::kTopPause, ev.stop_t_s);
      }
      break;  // a stall below the top: still lifting
    case Phase::kEccentric:
      if (ev.stop_p <= tuning_.bottom_band) {
        finish_rep(ev.stop_t_s, ev.stop_p, end_acc_, true);
      } else if (ev.stop_held && ev.stop_p >= tuning_.top_band) {
        enter(Phase::kTopPause, conc_end_t_s_);  // a wobble at the top: the lowering is to come
      } else if (ev.stop_held) {
        stalled_ = true;  // a stall mid-way: still lowering, timed until it moves again
        stall_start_t_s_ = ev.stop_t_s;
      }
      break;
    default:
      rising_ = false;  // a rise that stopped inside the bottom band is no rep
      break;
  }
}

void TempoTracker::on_start(const MotionEvents& ev) {
  const bool up = ev.dir == Motion::kUp;
  if (stalled_ && phase_ == Phase::kEccentric) {
    longest_stall_s_ = std::max(longest_stall_s_, ev.onset_t_s - stall_start_t_s_);
    stalled_ = false;
  }
  switch (phase_) {
    case Phase::kReady:
    case Phase::kBottomPause:
      rising_ = up && ev.onset_p <= tuning_.bottom_band;
      if (rising_) {
        rise_start_t_s_ = ev.onset_t_s;
        rep_acc_ = pre_acc_;
      }
      break;
    case Phase::kConcentric:
      if (up) {
        turn_pending_ = false;  // a dip, absorbed
        break;
      }
      if (!turn_pending_) {
        turn_pending_ = true;
        turn_onset_t_s_ = ev.onset_t_s;
        turn_end_t_s_ = ev.prev_end_t_s;
      }
      if (max_p(rep_acc_) >= tuning_.top_band) commit_turn();  // turned at the top, no pause
      break;
    case Phase::kTopPause:
      // The lift ended where it first stopped in the top band; rising further is part of the
      // pause (an athlete settling at the top), so only a lowering leaves it.
      if (!up) {
        ecc_start_t_s_ = ev.onset_t_s;
        enter(Phase::kEccentric, ev.onset_t_s);
      }
      break;
    case Phase::kEccentric:
      if (!up) {
        turn_pending_ = false;  // a wobble, absorbed
      } else if (ev.prev_end_p >= tuning_.top_band) {
        // Turned back up while still at the top: a wobble in the top pause, or a hitch in a
        // lift that had not stopped yet (its end is then set again where it stops or turns).
        if (stopped_at_top_) {
          enter(Phase::kTopPause, conc_end_t_s_);
        } else {
          enter(Phase::kConcentric, rep_start_t_s_);
        }
      } else if (ev.prev_end_p <= tuning_.bottom_band) {
        finish_rep(ev.prev_end_t_s, ev.prev_end_p, end_acc_, true);  // bounced off the bottom
        on_start(ev);  // the new rise may be the next rep
      } else if (!turn_pending_) {
        turn_pending_ = true;
        turn_end_t_s_ = ev.prev_end_t_s;
        turn_end_p_ = ev.prev_end_p;
        turn_acc_ = end_acc_;
      }
      break;
    default:
      break;
  }
}

void TempoTracker::on_position(double p) {
  switch (phase_) {
    case Phase::kReady:
    case Phase::kBottomPause:
      if (rising_ && p > tuning_.bottom_band) begin_rep();
      break;
    case Phase::kConcentric:
      if (turn_pending_ &&
          (p <= max_p(rep_acc_) - tuning_.reversal_fraction || p <= tuning_.bottom_band)) {
        commit_turn();  // gave up mid-lift: the lowering has begun
      }
      break;
    case Phase::kEccentric:
      if (turn_pending_ && p >= turn_end_p_ + tuning_.reversal_fraction) {
        finish_rep(turn_end_t_s_, turn_end_p_, turn_acc_, false);
      }
      break;
    default:
      break;
  }
}

void TempoTracker::begin_rep() {
  rising_ = false;
  stopped_at_top_ = false;
  rep_start_t_s_ = rise_start_t_s_;
  stalled_ = false;
  longest_stall_s_ = 0;
  bottom_pause_s_ = prev_end_t_s_ >= 0 ? std::max(0.0, rep_start_t_s_ - prev_end_t_s_) : 0.0;
  enter(Phase::kConcentric, rep_start_t_s_);
}

void TempoTracker::commit_turn() {
  conc_end_t_s_ = turn_end_t_s_;
  ecc_start_t_s_ = turn_onset_t_s_;
  enter(Phase::kEccentric, ecc_start_t_s_);
}

void TempoTracker::finish_rep(double end_t_s, double end_p, const ForceAccumulator& acc,
                              bool reached_bottom) {
  RepMetrics r;
  r.index = ++attempted_;
  r.start_t_s = rep_start_t_s_;
  r.end_t_s = end_t_s;
  r.concentric_s = conc_end_t_s_ - rep_start_t_s_;
  r.top_pause_s = ecc_start_t_s_ - conc_end_t_s_;
  r.eccentric_s = end_t_s - ecc_start_t_s_;
  r.bottom_pause_s = bottom_pause_s_;
  r.range_m = acc.max_position_m() - acc.min_position_m();
  r.range_fraction = reached_bottom ? r.range_m / span_m_ : std::max(0.0, max_p(acc) - end_p);
  r.peak_force_left_n = acc.peak_left_n();
  r.peak_force_right_n = acc.peak_right_n();
  r.mean_force_left_n = acc.mean_left_n();
  r.mean_force_right_n = acc.mean_right_n();
  r.time_under_tension_s = r.concentric_s + r.top_pause_s + r.eccentric_s;
  r.symmetry_index_pct = symmetry_index_pct(r.mean_force_left_n, r.mean_force_right_n);
  r.longest_stall_s = longest_stall_s_;
  r.impulse_left_ns = acc.impulse_left_ns();
  r.impulse_right_ns = acc.impulse_right_ns();
  r.work_concentric_left_j = acc.work_concentric_left_j();
  r.work_concentric_right_j = acc.work_concentric_right_j();
  r.work_eccentric_left_j = acc.work_eccentric_left_j();
  r.work_eccentric_right_j = acc.work_eccentric_right_j();
  r.turned_back = !reached_bottom;

  const TempoSpec& tempo = spec_.tempo;
  const double max_pause_s = tempo.max_pause_s;
  if (!reached_bottom || r.range_fraction < spec_.min_range_fraction) {
    r.verdict = Verdict::kPartialRange;
  } else if (max_pause_s > 0 && (r.top_pause_s > max_pause_s || r.bottom_pause_s > max_pause_s ||
                                 r.longest_stall_s > max_pause_s)) {
    r.verdict = Verdict::kPausedTooLong;
  } else if (r.eccentric_s < tempo.eccentric_min_s) {
    r.verdict = Verdict::kTooFast;
  } else if (r.eccentric_s > tempo.eccentric_max_s) {
    r.verdict = Verdict::kTooSlow;
  } else {
    r.verdict = Verdict::kCounted;
    ++counted_;
  }
  last_rep_ = r;
  completed_ = true;
  prev_end_t_s_ = end_t_s;
  rising_ = false;
  stalled_ = false;
  longest_stall_s_ = 0;
  enter(reached_bottom ? Phase::kBottomPause : Phase::kReady, end_t_s);
}

void TempoTracker::enter(Phase phase, double t_s) {
  phase_ = phase;
  phase_start_t_s_ = t_s;
  turn_pending_ = false;
}

double TempoTracker::max_p(const ForceAccumulator& acc) const {
  return (acc.max_position_m() - rom_.bottom_m) / span_m_;
}

Phase TempoTracker::phase() const { return phase_; }

double TempoTracker::phase_elapsed_s(double t_s) const {
  return std::max(0.0, t_s - phase_start_t_s_);
}

double TempoTracker::phase_target_s() const {
  switch (phase_) {
    case Phase::kConcentric:
      return spec_.tempo.concentric_s;
    case Phase::kTopPause:
      return spec_.tempo.top_pause_s;
    case Phase::kEccentric:
      return spec_.tempo.eccentric_s;
    case Phase::kBottomPause:
      return spec_.tempo.bottom_pause_s;
    default:
      return 0;
  }
}

double TempoTracker::target_position_m(double t_s) const {
  const double elapsed_s = phase_elapsed_s(t_s);
  switch (phase_) {
    case Phase::kConcentric:
      return rom_.bottom_m + rom_.span() * tempo_profile(elapsed_s, spec_.tempo.concentric_s);
    case Phase::kTopPause:
      return rom_.top_m;
    case Phase::kEccentric:
      return rom_.top_m - rom_.span() * tempo_profile(elapsed_s, spec_.tempo.eccentric_s);
    default:
      return rom_.bottom_m;
  }
}

const RepMetrics& TempoTracker::last_rep() const { return last_rep_; }
int TempoTracker::reps_counted() const { return counted_; }
int TempoTracker::reps_attempted() const { return attempted_; }
double TempoTracker::last_rep_start_t_s() const { return rep_start_t_s_; }
double TempoTracker::still_since_t_s() const { return detector_.still_since_t_s(); }

bool TempoTracker::in_rep() const {
  return phase_ == Phase::kConcentric || phase_ == Phase::kTopPause || phase_ == Phase::kEccentric;
}

}  // namespace tempoload::protocols
