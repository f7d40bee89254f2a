// The heel-rise endurance test as run on the machine: the involved leg, then (unless
// involved_only) rest_s with the motor off, then the other leg; each leg a HeelRiseTest. The
// drive is engaged at `load_n` (0: body weight, the drive only follows) while a leg is tested;
// an added load ramps on over load_ramp_s and off over the same time when the leg ends.
// Pure: no I/O, no clock, no allocation in update().
#pragma once

#include <optional>

#include "protocols/heel_rise_test.hpp"
#include "protocols/set_protocol.hpp"  // LoadCommand, EndReason

namespace tempoload::protocols {

struct HeelRiseSessionSpec {
  HeelRiseSpec test;  // test.leg: the involved leg, tested first (kLeft or kRight)
  bool involved_only = false;
  double rest_s = 60;          // between legs, motor off [s]
  double load_n = 0;           // added resistance [N]
  double load_ramp_s = 1;      // the load ramps on over this [s]
  double idle_timeout_s = 30;  // a leg whose first rep does not start this soon ends [s]
};

enum class HeelRiseStage { kLeg, kRest, kDone };

struct HeelRiseUpdate {
  LoadCommand command;
  bool rep_counted = false;   // current()->last_height_m() / last_work_j()
  bool leg_finished = false;  // last_leg_*() hold it
  bool finished = false;      // reported once
};

class HeelRiseSession {
 public:
  HeelRiseSession(const HeelRiseSessionSpec& spec, const RangeOfMotion& rom);

  HeelRiseUpdate update(const MotionSample& s);
  // The leg under way ends with what it has, the load ramping off (at body weight: at once);
  // no further leg.
  void request_stop();
  // Pain above the limit: motor off at once, no further leg (the leg under way is not reported).
  void request_stop_for_pain(double /*score*/) {
    if (stage_ != HeelRiseStage::kDone) finish(EndReason::kPain);
  }
  void fault();

  HeelRiseStage stage() const { return stage_; }
  int leg_index() const { return leg_index_; }  // 0: involved, 1: other
  int leg_count() const { return spec_.involved_only ? 1 : 2; }
  Legs leg() const { return leg_of(leg_index_); }
  const HeelRiseTest* current() const { return test_ ? &*test_ : nullptr; }
  double rest_remaining_s() const { return rest_remaining_s_; }
  const HeelRiseResult& last_leg_result() const { return last_result_; }
  const HeelRiseEnding& last_leg_ending() const { return last_ending_; }
  Legs last_leg() const { return last_leg_; }
  EndReason end_reason() const { return reason_; }  // kTargetReached: every leg tested

 private:
  Legs leg_of(int index) const;
  void start_leg(int index, double t_s);
  void end_leg(HeelRiseUpdate& u, double t_s);
  void finish(EndReason reason);

  HeelRiseSessionSpec spec_;
  RangeOfMotion rom_;
  std::optional<HeelRiseTest> test_;
  HeelRiseStage stage_ = HeelRiseStage::kLeg;
  EndReason reason_ = EndReason::kNone;
  int leg_index_ = 0;
  bool leg_started_ = false;  // leg_start_t_s_ is set (from the leg's first sample)
  bool unloading_ = false;    // the leg is over: the load ramps off before it is reported
  double unload_start_t_s_ = 0;
  double leg_start_t_s_ = 0;
  bool stop_requested_ = false;
  bool finish_reported_ = false;
  double rest_until_t_s_ = 0;
  double rest_remaining_s_ = 0;
  HeelRiseResult last_result_;
  HeelRiseEnding last_ending_;
  Legs last_leg_ = Legs::kLeft;
};

}  // namespace tempoload::protocols
