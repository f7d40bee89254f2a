#include "protocols/isometric_hold.hpp"

#include <algorithm>

namespace tempoload::protocols {

IsometricHoldProtocol::IsometricHoldProtocol(const IsometricSpec& spec)
    : spec_(spec), target_n_(std::max(0.0, spec.target_fraction * spec.mvic_n)) {
  if (spec_.holds < 1 || !(target_n_ > 0)) stage_ = HoldStage::kDone;
}

HoldUpdate IsometricHoldProtocol::update(const MotionSample& s) {
  HoldUpdate u;
  const double f = working_force_n(s, spec_.legs);
  if (!started_) {
    started_ = true;
    stage_start_t_s_ = last_t_s_ = s.t_s;
    last_f_n_ = f;
  }
  const double t = std::max(s.t_s, last_t_s_);
  const double dt = t - last_t_s_;
  switch (stage_) {
    case HoldStage::kWaiting:
      remaining_s_ = spec_.hold_s;
      if (f >= band_low_n()) {
        stage_ = HoldStage::kHolding;
        stage_start_t_s_ = t;
        cur_ = HoldResult{};
        cur_.index = done_holds_ + 1;
        cur_.started = true;
        cur_.peak_force_n = f;
        impulse_ns_ = 0;
      } else if (t - stage_start_t_s_ >= spec_.start_timeout_s) {
        cur_ = HoldResult{};
        cur_.index = done_holds_ + 1;
        end_hold(u, t);
      }
      break;
    case HoldStage::kHolding: {
      // The previous sample's force held over dt, clipped to the hold's end.
      const double left = std::max(0.0, spec_.hold_s - (last_t_s_ - stage_start_t_s_));
      const double span = std::min(dt, left);
      impulse_ns_ += last_f_n_ * span;
      if (last_f_n_ > band_high_n()) {
        cur_.time_above_s += span;
      } else if (last_f_n_ < band_low_n()) {
        cur_.time_below_s += span;
      } else {
        cur_.time_in_band_s += span;
      }
      remaining_s_ = std::max(0.0, spec_.hold_s - (t - stage_start_t_s_));
      if (remaining_s_ <= 0) {
        cur_.mean_force_n = spec_.hold_s > 0 ? impulse_ns_ / spec_.hold_s : 0;
        cur_.in_band_fraction = spec_.hold_s > 0 ? cur_.time_in_band_s / spec_.hold_s : 0;
        cur_.counted = cur_.in_band_fraction >= spec_.min_in_band_fraction;
        end_hold(u, t);
      } else {
        cur_.peak_force_n = std::max(cur_.peak_force_n, f);
      }
      break;
    }
    case HoldStage::kRest:
      remaining_s_ = std::max(0.0, spec_.rest_s - (t - stage_start_t_s_));
      if (remaining_s_ <= 0) {
        stage_ = HoldStage::kWaiting;
        stage_start_t_s_ = t;
      }
      break;
    case HoldStage::kDone:
      break;
  }
  last_t_s_ = t;
  last_f_n_ = f;
  if (stage_ == HoldStage::kDone) {
    u.finished = !finish_reported_;
    finish_reported_ = true;
    return u;
  }
  if (stage_ != HoldStage::kRest) u.command = {true, spec_.position_m};
  return u;
}

void IsometricHoldProtocol::end_hold(HoldUpdate& u, double t_s) {
  last_ = cur_;
  ++done_holds_;
  counted_ += last_.counted;
  u.hold_finished = true;
  stage_start_t_s_ = t_s;
  stage_ = done_holds_ >= spec_.holds ? HoldStage::kDone : HoldStage::kRest;
  remaining_s_ = stage_ == HoldStage::kRest ? spec_.rest_s : 0;
}

void IsometricHoldProtocol::request_stop() { stage_ = HoldStage::kDone; }

}  // namespace tempoload::protocols
