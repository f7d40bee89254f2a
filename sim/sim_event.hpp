// Notable things that happen in the simulated machine or athlete, for the log and for tests.
#pragma once

#include <string>

namespace tempoload::sim {

struct SimEvent {
  enum class Kind {
    kSetStarted,    // the load settled and the athlete begins rep 1 (load_n)
    kRepCompleted,  // a rep reached the bottom again (rep, phase durations, range_m)
    kRepFailed,     // the athlete could not lift the load to the top; the set ends (rep)
    kSetEnded,      // the athlete stops: max reps reached, failure or unload (rep = reps done)
    kUnloaded,      // the athlete noticed the load went away mid-set and lowers gently
    kWatchdogTrip,  // heartbeat unchanged for watchdog_s while engaged: unloaded, latched
    kEstop,         // e-stop pressed: unloaded, latched
    kDriveFault,    // drive fault injected: unloaded, latched
    kFaultsReset,   // a reset (rising edge of control bit 0) cleared the latched faults
    kNote,          // anything else worth a log line, e.g. a dynamometer effort (note)
  };

  Kind kind = Kind::kSetStarted;
  double t_s = 0;  // simulator time [s]
  int set = 0;     // 1-based set number of the athlete
  int rep = 0;     // 1-based rep number within the set
  double load_n = 0;
  double concentric_s = 0;
  double top_pause_s = 0;
  double eccentric_s = 0;
  double range_m = 0;
  std::string note;  // scenario note of the rep, or the reason a set ended
};

// One human-readable log line, without a trailing newline.
std::string describe(const SimEvent& e);

}  // namespace tempoload::sim
