// The set as a whole: ramp the load on, track reps, end the set (target reached, idle, stop
// request, fault), ramp the load off. Decides the motor command every cycle. Pure: no I/O,
// no clock, no allocation in update().
#pragma once

#include "protocols/rep_types.hpp"
#include "protocols/set_spec.hpp"
#include "protocols/tempo_tracker.hpp"

namespace tempoload::protocols {

enum class EndReason { kNone, kTargetReached, kStopped, kIdleTimeout, kFault };
const char* to_string(EndReason r);

// What the machine should do this cycle.
struct LoadCommand {
  bool engaged = false;  // false: motor off
  double force_n = 0;    // resistance [N], ramped, never above the set's load
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
  SetUpdate update(const MotionSample& s);
  void request_stop();  // athlete or host stop: unload (ramped) and end, reason kStopped
  void fault();         // unrecoverable fault: force 0 at once, reason kFault, kDone

  Phase phase() const;
  EndReason end_reason() const;
  const TempoTracker& tracker() const;
  const SetSpec& spec() const;

 private:
  enum class Stage { kLoading, kTracking, kUnloading, kDone };
  void begin_unload(EndReason reason, double t_s);
  bool idle(double t_s) const;

  SetSpec spec_;
  TempoTracker tracker_;
  Stage stage_ = Stage::kLoading;
  EndReason reason_ = EndReason::kNone;
  bool started_ = false;
  bool finish_reported_ = false;
  double load_start_t_s_ = 0;  // first update [s]
  double load_on_t_s_ = 0;     // full load reached [s]
  double last_t_s_ = 0;        // latest update [s]
  double force_n_ = 0;         // current command [N]
  double unload_from_n_ = 0;   // force when unloading began [N]
  double unload_start_t_s_ = 0;
};

}  // namespace tempoload::protocols
