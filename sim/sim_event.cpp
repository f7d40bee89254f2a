#include "sim/sim_event.hpp"

#include <cstdio>

namespace tempoload::sim {

std::string describe(const SimEvent& e) {
  char line[256];
  const double t = e.t_s;
  const char* note = e.note.c_str();
  const char* open = e.note.empty() ? "" : " (";
  const char* close = e.note.empty() ? "" : ")";
  using K = SimEvent::Kind;
  switch (e.kind) {
    case K::kSetStarted:
      std::snprintf(line, sizeof line, "[%9.3f s] set %d started: load %.0f N", t, e.set, e.load_n);
      break;
    case K::kRepCompleted:
      std::snprintf(line, sizeof line,
                    "[%9.3f s] set %d rep %d done: up %.2f s, top %.2f s, down %.2f s, "
                    "range %.1f mm%s%s%s",
                    t, e.set, e.rep, e.concentric_s, e.top_pause_s, e.eccentric_s, e.range_m * 1000,
                    open, note, close);
      break;
    case K::kRepFailed:
      std::snprintf(line, sizeof line,
                    "[%9.3f s] set %d rep %d failed: reached %.1f mm after %.2f s up", t, e.set,
                    e.rep, e.range_m * 1000, e.concentric_s);
      break;
    case K::kSetEnded:
      std::snprintf(line, sizeof line, "[%9.3f s] set %d ended after %d rep%s%s%s%s", t, e.set,
                    e.rep, e.rep == 1 ? "" : "s", open, note, close);
      break;
    case K::kUnloaded:
      std::snprintf(line, sizeof line, "[%9.3f s] set %d: load went away, athlete lowers", t,
                    e.set);
      break;
    case K::kWatchdogTrip:
      std::snprintf(line, sizeof line, "[%9.3f s] watchdog tripped: heartbeat stale, unloaded", t);
      break;
    case K::kEstop:
      std::snprintf(line, sizeof line, "[%9.3f s] e-stop pressed%s%s%s: unloaded", t, open, note,
                    close);
      break;
    case K::kDriveFault:
      std::snprintf(line, sizeof line, "[%9.3f s] drive fault%s%s%s: unloaded", t, open, note,
                    close);
      break;
    case K::kFaultsReset:
      std::snprintf(line, sizeof line, "[%9.3f s] faults reset", t);
      break;
    case K::kNote:
      std::snprintf(line, sizeof line, "[%9.3f s] %s", t, note);
      break;
  }
  return line;
}

}  // namespace tempoload::sim
