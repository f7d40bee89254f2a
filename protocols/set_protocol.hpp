// The set as a whole: ramp the load on, track reps, end the set (target reached, idle, stop
// request, pain, a pause too long, fault), ramp the load off. Decides the motor command every
// cycle. Pure: no I/O, no clock, no allocation in update().
#pragma once

#include "protocols/rep_types.hpp"
#include "protocols/set_spec.hpp"
#include "protocols/tempo_tracker.hpp"

namespace tempoload::protocols {

// New values go at the end (the plugin maps them by name).
enum class EndReason {
  kNone,
  kTargetReached,
  kStopped,
  kIdleTimeout,
  kFault,
  kPausedTooLong,
  kPain
};
const char* to_string(EndReason r);

// A lowering at the velocity limit takes eccentric_min_s / kVelocityLimitMargin (3.33 s for a
// 3 s minimum), so an athlete riding the limit is inside the window despite the corners.
inline constexpr double kVelocityLimitMargin = 0.9;

// What the machine should do this cycle.
struct LoadCommand {
  bool engaged = false;  // false: motor off
  double force_n = 0;    // resistance [N], ramped, never above the set's load
  // Largest lowering speed the machine allows [m/s] (drive mode "eccentric velocity-limited");
  // 0: no limit. Set while engaged when SetSpec::eccentric_velocity_limit is on:
  // kVelocityLimitMargin x calibrated span / eccentric_min_s.
  double velocity_limit_mps = 0;
  // Eccentric-only sets: the machine raises the platform (position-hold drive mode) to
  // position_m at raise_speed_mps, force_n being the servo's force limit; the athlete goes along
  // passively and takes the load at the top.
  bool hold_position = false;
  double position_m = 0;       // [m]
  double raise_speed_mps = 0;  // [m/s]
};

struct SetUpdate {
  LoadCommand command;
  bool rep_completed = false;  // tracker().last_rep() holds the new rep
  bool finished = false;       // became kDone on this update (after fault(): the next update)
};

class SetProtocol {
 public:
  SetProtocol(const SetSpec& spec, const RangeOfMotion& rom);

  // One control cycle. Loading: force ramps from 0 to load_n over load_ramp_s, then kReady.
  // Unloading: ramps to 0 over load_ramp_s (a fault unloads at once), then kDone.
  // Idle timeout: no rep started for idle_timeout_s since the later of full load and the last
  // rep's end, or a rep under way with the platform at rest that long (athlete stuck).
  // eccentric_only: the machine raises the platform (LoadCommand::hold_position, to the top of
  // the range in concentric_s) once the bottom pause is over, and holds load_n while the
  // athlete lowers; the athlete's legs do no concentric work.
  SetUpdate update(const MotionSample& s);
  void request_stop();  // athlete or host stop: unload (ramped) and end, reason kStopped
  void fault();         // unrecoverable fault: force 0 at once, reason kFault, kDone

  // Pause: the load ramps off (load_ramp_s) and the motor disengages (Phase::kPaused); samples
  // are not tracked and the rep under way is dropped (TempoTracker::interrupt). Paused time is
  // not idle time. A pause longer than max_set_pause_s ends the set, reason kPausedTooLong.
  // Ignored unless loading or tracking. Returns whether the pause began.
  bool request_pause();
  // Resume: ramps the load back on from the current force, then tracks again. Ignored unless
  // pausing or paused. Returns whether it resumed.
  bool request_resume();
  // Pain during the set (0-10). Above spec.pain_limit: force 0 at once, reason kPain, kDone
  // (returns true). Otherwise the set goes on; the highest report is kept.
  bool report_pain(double score);
  // The athlete stops because of pain: above pain_limit as report_pain, else a ramped unload;
  // the reason is kPain either way.
  void request_stop_for_pain(double score);

  Phase phase() const;
  EndReason end_reason() const;
  const TempoTracker& tracker() const;
  const SetSpec& spec() const;
  double max_pain_reported() const { return max_pain_; }  // -1 before any report
  double paused_s() const { return paused_total_s_; }     // finished pauses, total [s]

 private:
  enum class Stage { kLoading, kTracking, kPausing, kPaused, kUnloading, kDone };
  void begin_unload(EndReason reason, double t_s);
  void unload_now(EndReason reason);
  bool idle(double t_s) const;
  double tracking_target_n() const;  // what the force should be while tracking [N]
  double ramp_down(double t_s) const;

  SetSpec spec_;
  TempoTracker tracker_;
  double span_m_ = 0;  // calibrated range [m]
  double top_m_ = 0;   // calibrated top [m]
  Stage stage_ = Stage::kLoading;
  EndReason reason_ = EndReason::kNone;
  bool started_ = false;
  bool finish_reported_ = false;
  double load_start_t_s_ = 0;  // start of the current load ramp [s]
  double load_from_n_ = 0;     // force when the load ramp began [N]
  double load_on_t_s_ = 0;     // full load reached (again, after a pause) [s]
  double last_t_s_ = 0;        // latest update [s]
  double force_n_ = 0;         // current command [N]
  double unload_from_n_ = 0;   // force when unloading (or pausing) began [N]
  double unload_start_t_s_ = 0;
  double pause_start_t_s_ = 0;
  double paused_total_s_ = 0;
  double max_pain_ = -1;
};

}  // namespace tempoload::protocols
