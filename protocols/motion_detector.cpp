#include "protocols/motion_detector.hpp"

#include <cmath>

namespace tempoload::protocols {
namespace {

Motion opposite(Motion m) { return m == Motion::kUp ? Motion::kDown : Motion::kUp; }

}  // namespace

MotionDetector::MotionDetector(const MotionDetectorTuning& tuning) : tuning_(tuning) {}

MotionEvents MotionDetector::update(double t_s, double p, double v) {
  MotionEvents ev;
  const bool still_v = std::abs(v) < tuning_.still_velocity;
  const double eps = tuning_.excursion;

  if (!initialised_) {  // the first sample is taken as rest: a motion is dated from it at worst
    initialised_ = true;
    state_ = Motion::kStill;
    still_since_t_s_ = rest_t_s_ = t_s;
    still_p_ = rest_p_ = p;
    ev.up_onset_mark = true;
    return ev;
  }

  if (state_ == Motion::kStill) {
    // The reference stays where the platform stopped: a slow creep confirms a (harmless)
    // motion rather than dragging the reference along with a noisy-velocity movement.
    const double d = p - still_p_;
    if (std::abs(d) > eps) {
      ev.started = true;
      ev.dir = d > 0 ? Motion::kUp : Motion::kDown;
      ev.onset_t_s = rest_t_s_;
      ev.onset_p = rest_p_;
      ev.prev_end_t_s = still_since_t_s_;
      ev.prev_end_p = still_p_;
      begin_motion(ev.dir, t_s, p, ev);
    } else if (still_v && std::abs(d) <= 0.5 * eps) {  // far from rest it is velocity noise
      rest_t_s_ = t_s;
      rest_p_ = p;
      ev.up_onset_mark = true;
    }
    return ev;
  }

  const double sign = state_ == Motion::kUp ? 1.0 : -1.0;
  if (candidate_) {
    const double d = (p - cand_p_) * sign;
    if (d > eps) {  // kept going the same way: the in-deadband samples were a slow patch
      candidate_ = false;
      extreme_t_s_ = t_s;
      extreme_p_ = p;
      if (state_ == Motion::kDown) ev.down_end_mark = ev.up_onset_mark = true;
      return ev;
    }
    if (d < -eps) {  // stopped briefly, then turned back
      ev.stopped = true;
      ev.stopped_dir = state_;
      ev.stop_t_s = ev.prev_end_t_s = cand_t_s_;
      ev.stop_p = ev.prev_end_p = cand_p_;
      ev.started = true;
      ev.dir = opposite(state_);
      ev.onset_t_s = cand_rest_t_s_;
      ev.onset_p = cand_rest_p_;
      begin_motion(ev.dir, t_s, p, ev);
      return ev;
    }
    if (still_v) {
      ++cand_still_;
      if (std::abs(d) <= 0.5 * eps) {
        cand_rest_t_s_ = t_s;
        cand_rest_p_ = p;
        ev.up_onset_mark = true;
      }
    } else {
      ++cand_moving_;
    }
    try_confirm_stop(t_s, ev);
    return ev;
  }

  if ((p - extreme_p_) * sign > 0) {
    extreme_t_s_ = t_s;
    extreme_p_ = p;
    if (state_ == Motion::kDown) ev.down_end_mark = ev.up_onset_mark = true;
  } else if ((extreme_p_ - p) * sign > eps) {  // turned without stopping
    ev.started = true;
    ev.dir = opposite(state_);
    ev.onset_t_s = ev.prev_end_t_s = extreme_t_s_;
    ev.onset_p = ev.prev_end_p = extreme_p_;
    begin_motion(ev.dir, t_s, p, ev);
    return ev;
  }
  if (still_v) {
    candidate_ = true;
    cand_t_s_ = cand_rest_t_s_ = t_s;
    cand_p_ = cand_rest_p_ = p;
    cand_still_ = 1;
    cand_moving_ = 0;
    ev.up_onset_mark = true;
    if (state_ == Motion::kDown) ev.down_end_mark = true;
    try_confirm_stop(t_s, ev);
  }
  return ev;
}

void MotionDetector::begin_motion(Motion dir, double t_s, double p, MotionEvents& ev) {
  state_ = dir;
  candidate_ = false;
  extreme_t_s_ = t_s;
  extreme_p_ = p;
  if (dir == Motion::kDown) ev.down_end_mark = ev.up_onset_mark = true;
}

void MotionDetector::try_confirm_stop(double t_s, MotionEvents& ev) {
  const double held_s = t_s - cand_t_s_;
  // Mostly in-deadband samples, or a long hold when velocity noise swamps the deadband.
  const bool quiet = cand_still_ >= cand_moving_ || held_s >= 5 * tuning_.stop_confirm_s;
  if (held_s < tuning_.stop_confirm_s || !quiet) return;
  ev.stopped = ev.stop_held = true;
  ev.stopped_dir = state_;
  ev.stop_t_s = cand_t_s_;
  ev.stop_p = cand_p_;
  state_ = Motion::kStill;
  candidate_ = false;
  still_since_t_s_ = cand_t_s_;
  still_p_ = cand_p_;
  rest_t_s_ = cand_rest_t_s_;
  rest_p_ = cand_rest_p_;
}

}  // namespace tempoload::protocols
