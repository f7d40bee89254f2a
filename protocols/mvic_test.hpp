// MVIC test: N maximal isometric efforts at a held position (default 3 x 5 s, 60 s rest), each
// after ready_s relaxed. MVIC = the highest 1 s moving mean of the working force over any effort
// (force integrated per 10 ms bucket, rectangle rule; the window slides by bucket), which a
// single spike cannot inflate; the instantaneous peak and the RFD (RfdMeter, baseline = the
// relaxed ready_s) are reported too. Pure, no allocation.
#pragma once

#include <array>

#include "protocols/isometric_hold.hpp"  // HoldCommand
#include "protocols/rfd.hpp"
#include "protocols/session_plan.hpp"

namespace tempoload::protocols {

struct MvicSpec {
  int efforts = 3;
  double effort_s = 5;
  double ready_s = 2;   // relaxed before each effort (RFD baseline) [s]
  double rest_s = 60;   // documented default (U)
  double window_s = 1;  // moving-mean window [s], at most 5 s
  double position_m = 0;
  Legs legs = Legs::kBoth;
};

struct MvicEffort {
  int index = 0;
  double best_window_mean_n = 0;    // highest moving mean [N]
  double peak_n = 0;                // highest sample [N]
  bool rfd_valid = false;           // onset found and all windows passed
  std::array<double, 3> rfd_nps{};  // 0-50, 0-100, 0-200 ms [N/s]
};

enum class MvicStage { kReady, kEffort, kRest, kDone };

struct MvicUpdate {
  HoldCommand command;
  bool effort_finished = false;  // last_effort() holds it
  bool finished = false;
};

class MvicTest {
 public:
  static constexpr double kBucketS = 0.01;
  static constexpr int kMaxBuckets = 512;

  explicit MvicTest(const MvicSpec& spec, const RfdOptions& rfd = {});

  MvicUpdate update(const MotionSample& s);
  void request_stop() { stage_ = MvicStage::kDone; }

  MvicStage stage() const { return stage_; }
  const MvicEffort& last_effort() const { return last_; }
  double mvic_n() const { return best_n_; }  // best over the efforts so far [N]
  int best_effort() const { return best_index_; }
  int efforts_done() const { return efforts_done_; }
  // Time left in the ready, effort or rest stage at t_s [s].
  double stage_remaining_s(double t_s) const;

 private:
  void close_bucket();

  MvicSpec spec_;
  RfdMeter rfd_;
  int window_buckets_ = 100;
  MvicStage stage_ = MvicStage::kReady;
  bool started_ = false;
  bool finish_reported_ = false;
  double stage_start_t_s_ = 0;
  double last_t_s_ = 0;
  double last_f_n_ = 0;
  int efforts_done_ = 0;
  // Moving mean over the effort: bucket sums of F dt.
  std::array<double, kMaxBuckets> ring_{};
  int bucket_ = 0;  // index of the open bucket since the effort began
  double open_sum_ = 0;
  double window_sum_ = 0;
  MvicEffort cur_;
  MvicEffort last_;
  double best_n_ = 0;
  int best_index_ = 0;
};

}  // namespace tempoload::protocols
