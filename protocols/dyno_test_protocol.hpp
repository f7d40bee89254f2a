// A dynamometer session run series by series: positions the foot, runs each rep in its mode
// (isokinetic concentric or eccentric with a passive return, isometric holds, isotonic reps),
// measures the footplate for gravity correction, and decides the drive command every cycle.
// Every commanded speed is cushioned at the athlete's range ends (rom_cushion.hpp). Pure: no
// I/O, no clock, no allocation in update().
#pragma once

#include "protocols/dyno_rep_accumulator.hpp"
#include "protocols/dyno_spec.hpp"
#include "protocols/dyno_types.hpp"
#include "protocols/gravity_table.hpp"
#include "protocols/set_protocol.hpp"  // EndReason

namespace tempoload::protocols {

struct DynoUpdate {
  DynoCommand command;
  bool rep_completed = false;     // last_rep() holds the rep (complete or not)
  bool gravity_measured = false;  // gravity(last_rep_side) holds the leg's new table
  bool series_finished = false;   // finished_series() is its 1-based number
  bool finished = false;          // became kDone on this update (after fault(): the next update)
  bool rom_exceeded = false;      // the shaft is beyond the athlete's range: the caller faults
};

class DynoTestProtocol {
 public:
  // Motor-driven speeds (eccentric series, passive return) are capped at 60 deg/s unless the
  // spec confirms faster ones, whatever the caller validated.
  explicit DynoTestProtocol(const DynoTestSpec& spec);

  // One control cycle. Stages per series: positioning (passive, to the start angle), ready
  // (hold), effort, return (passive) or rest between reps, then the rest after the series.
  // An effort ends at the far end of the range (within end_tolerance_rad), after hold_s
  // (isometric), or after span / speed + effort_grace_s (then the rep is incomplete).
  DynoUpdate update(const DynoSample& s);
  void request_stop();  // hold the shaft still for stop_hold_s, release, end: kStopped
  void fault();         // motor off at once, end: kFault

  DynoPhase phase() const;
  EndReason end_reason() const { return reason_; }
  const DynoTestSpec& spec() const { return spec_; }
  int series_number() const { return index_ + 1; }  // 1-based, of the series under way
  const DynoSeriesSpec& series() const { return spec_.series[index_]; }
  int attempts_in_series() const { return attempts_; }
  int finished_series() const { return finished_series_; }
  const DynoRep& last_rep() const { return last_rep_; }
  const GravityTable& gravity(Side side) const { return gravity_[static_cast<int>(side)]; }
  Side gravity_side() const { return series().side; }
  double commanded_velocity_radps() const { return command_.velocity_radps; }
  double corrected_torque_nm() const { return corrected_nm_; }

 private:
  enum class Stage {
    kPositioning,
    kReady,
    kEffort,
    kReturn,
    kRest,
    kGravitySettle,
    kGravityMeasure,
    kStopping,
    kDone
  };
  enum class IsotonicStage { kBottom, kRising, kLowering, kUnloading };

  const RangeOfMotionLimits& rom() const { return spec_.rom[static_cast<int>(series().side)]; }
  DynoCommand base_command() const;
  void hold(double velocity_radps = 0);
  void begin_series(int index, double t);
  void arrive(double t);
  void start_effort(double t);
  void effort(const DynoSample& s, double t, DynoUpdate& u);
  void isotonic(const DynoSample& s, double t, DynoUpdate& u);
  void finish_rep(bool complete, DynoUpdate& u);
  void after_rep(double t, DynoUpdate& u);
  void end_series(double t, DynoUpdate& u);
  void begin_stop(EndReason reason, double t);
  double gravity_point_angle(int k) const;
  double start_angle() const;
  double motion_timeout_s(double distance_rad, double speed_radps) const;

  DynoTestSpec spec_;
  Stage stage_ = Stage::kPositioning;
  EndReason reason_ = EndReason::kNone;
  bool started_ = false;
  bool finish_reported_ = false;
  int index_ = 0;     // series under way
  int attempts_ = 0;  // reps attempted in it
  int finished_series_ = 0;
  double last_t_ = 0;
  double stage_start_t_ = 0;
  double stage_until_t_ = 0;
  double target_rad_ = 0;  // positioning or return target
  DynoCommand command_;
  double corrected_nm_ = 0;

  DynoRepAccumulator rep_;
  DynoRep identity_;  // series, index, side, mode of the rep under way
  DynoRep last_rep_;
  bool onset_ = false;
  IsotonicStage iso_ = IsotonicStage::kBottom;
  bool iso_reached_top_ = false;
  double iso_torque_nm_ = 0;       // current (ramped) isotonic torque
  double iso_unload_from_nm_ = 0;  // torque when the unload ramp began

  GravityTable gravity_[2];
  GravityTable gravity_building_;
  int gravity_point_ = 0;
  double gravity_torque_sum_ = 0;
  double gravity_angle_sum_ = 0;
  int gravity_samples_ = 0;
};

}  // namespace tempoload::protocols
