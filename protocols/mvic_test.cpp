#include "protocols/mvic_test.hpp"

#include <algorithm>
#include <cmath>

namespace tempoload::protocols {

MvicTest::MvicTest(const MvicSpec& spec, const RfdOptions& rfd) : spec_(spec), rfd_(rfd) {
  window_buckets_ =
      std::clamp(static_cast<int>(std::lround(spec_.window_s / kBucketS)), 1, kMaxBuckets - 1);
  if (spec_.efforts < 1) stage_ = MvicStage::kDone;
}

void MvicTest::close_bucket() {
  const int slot = bucket_ % kMaxBuckets;
  ring_[slot] = open_sum_;
  window_sum_ += open_sum_;
  if (bucket_ >= window_buckets_) window_sum_ -= ring_[(bucket_ - window_buckets_) % kMaxBuckets];
  if (bucket_ + 1 >= window_buckets_) {
    cur_.best_window_mean_n =
        std::max(cur_.best_window_mean_n, window_sum_ / (window_buckets_ * kBucketS));
  }
  ++bucket_;
  open_sum_ = 0;
}

MvicUpdate MvicTest::update(const MotionSample& s) {
  MvicUpdate u;
  const double f = working_force_n(s, spec_.legs);
  if (!started_) {
    started_ = true;
    stage_start_t_s_ = last_t_s_ = s.t_s;
    last_f_n_ = f;
    rfd_.reset();
  }
  const double t = std::max(s.t_s, last_t_s_);
  switch (stage_) {
    case MvicStage::kReady:
      rfd_.update(t, f);
      if (t - stage_start_t_s_ >= spec_.ready_s) {
        stage_ = MvicStage::kEffort;
        stage_start_t_s_ = t;
        cur_ = MvicEffort{};
        cur_.index = efforts_done_ + 1;
        cur_.peak_n = f;
        bucket_ = 0;
        open_sum_ = window_sum_ = 0;
      }
      break;
    case MvicStage::kEffort: {
      rfd_.update(t, f);
      // The previous sample's force over [last, t], split at bucket edges.
      double from = last_t_s_ - stage_start_t_s_;
      const double to = std::min(t - stage_start_t_s_, spec_.effort_s);
      while (from < to) {
        const double edge = (bucket_ + 1) * kBucketS;
        const double end = std::min(edge, to);
        open_sum_ += last_f_n_ * (end - from);
        from = end;
        if (end >= edge - 1e-12) close_bucket();
      }
      if (t - stage_start_t_s_ >= spec_.effort_s) {
        cur_.rfd_valid = rfd_.has(0) && rfd_.has(1) && rfd_.has(2);
        for (int k = 0; k < 3; ++k) cur_.rfd_nps[k] = rfd_.rfd_nps(k);
        last_ = cur_;
        ++efforts_done_;
        if (cur_.best_window_mean_n > best_n_) {
          best_n_ = cur_.best_window_mean_n;
          best_index_ = cur_.index;
        }
        u.effort_finished = true;
        stage_ = efforts_done_ >= spec_.efforts ? MvicStage::kDone : MvicStage::kRest;
        stage_start_t_s_ = t;
      } else {
        cur_.peak_n = std::max(cur_.peak_n, f);
      }
      break;
    }
    case MvicStage::kRest:
      if (t - stage_start_t_s_ >= spec_.rest_s) {
        stage_ = MvicStage::kReady;
        stage_start_t_s_ = t;
        rfd_.reset();
        rfd_.update(t, f);
      }
      break;
    case MvicStage::kDone:
      break;
  }
  last_t_s_ = t;
  last_f_n_ = f;
  if (stage_ == MvicStage::kDone) {
    u.finished = !finish_reported_;
    finish_reported_ = true;
    return u;
  }
  if (stage_ != MvicStage::kRest) u.command = {true, spec_.position_m};
  return u;
}

double MvicTest::stage_remaining_s(double t_s) const {
  const double elapsed = t_s - stage_start_t_s_;
  switch (stage_) {
    case MvicStage::kReady:
      return std::max(0.0, spec_.ready_s - elapsed);
    case MvicStage::kEffort:
      return std::max(0.0, spec_.effort_s - elapsed);
    case MvicStage::kRest:
      return std::max(0.0, spec_.rest_s - elapsed);
    case MvicStage::kDone:
      break;
  }
  return 0;
}

}  // namespace tempoload::protocols
