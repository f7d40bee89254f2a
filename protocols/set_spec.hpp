// A prescribed set as the protocol engine sees it. Plain data, SI units.
#pragma once

namespace tempoload::protocols {

struct TempoSpec {
  double concentric_s = 3.0;     // target lifting time [s]
  double top_pause_s = 0.0;      // target pause at the top [s]
  double eccentric_s = 3.5;      // target lowering time [s]
  double bottom_pause_s = 1.0;   // target pause at the bottom between reps [s]
  double eccentric_min_s = 3.0;  // lowering faster than this: "too fast", not counted [s]
  double eccentric_max_s = 5.0;  // lowering slower than this: "too slow", not counted [s]
  // A top or bottom pause, or a stall mid-lowering, longer than this: "paused too long", not
  // counted [s]. 0: no limit (the default; no source gives a number, docs/protocols.md).
  double max_pause_s = 0.0;
};

struct SetSpec {
  int reps = 6;       // reps to count
  double load_n = 0;  // motor resistance during the set [N]
  TempoSpec tempo;
  double min_range_fraction = 0.8;  // travel a rep needs, as a fraction of the calibrated range
  double idle_timeout_s = 15.0;     // set ends when no rep starts for this long [s]
  double load_ramp_s = 1.0;         // load changes ramp over this time, never step [s]
  // Eccentric velocity limit: LoadCommand::velocity_limit_mps caps the lowering speed so the
  // lowering cannot be shorter than eccentric_min_s (the machine's velocity-limited drive mode).
  bool eccentric_velocity_limit = false;
  // Alfredson: the machine raises the platform (position hold) so the way up costs the athlete
  // nothing; the load is on at the top and while lowering.
  bool eccentric_only = false;
  double max_set_pause_s = 180.0;  // a pause (request_pause) longer than this ends the set [s]
  double pain_limit = 5.0;  // pain report above this (0-10 scale) unloads at once (Silbernagel)
};

// The athlete's calibrated range of motion on this machine.
struct RangeOfMotion {
  double bottom_m = 0.0;  // platform height at the bottom of the athlete's heel drop [m]
  double top_m = 0.1;     // platform height at full plantarflexion [m]
  double span() const { return top_m - bottom_m; }
};

}  // namespace tempoload::protocols
