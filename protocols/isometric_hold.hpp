// Isometric holds: the machine holds the platform at a set position while the athlete pushes at
// a target force, a fraction of a measured MVIC (Rio 2015: 5 x 45 s at 70%, 2 min rest). Time
// with the force inside the band target x (1 +- band_fraction) counts. Pure, no allocation.
//
// Per hold: waiting (position held) until the force first reaches the band's lower edge, then
// hold_s of holding, then rest_s with the machine released; a hold not begun within
// start_timeout_s is missed (not counted) and the rest follows. Time in band uses the rectangle
// rule (each sample's state holds until the next sample). A hold counts when the time in band is
// at least min_in_band_fraction of hold_s.
#pragma once

#include "protocols/session_plan.hpp"

namespace tempoload::protocols {

struct IsometricSpec {
  int holds = 5;
  double hold_s = 45;
  double rest_s = 120;
  double mvic_n = 0;                  // measured maximal voluntary isometric force [N]; > 0
  double target_fraction = 0.70;      // of the MVIC
  double band_fraction = 0.10;        // +-10% of the target (documented default, no source) (U)
  double min_in_band_fraction = 0.8;  // documented default (U)
  double start_timeout_s = 30;
  double position_m = 0;  // where the platform is held [m]
  Legs legs = Legs::kBoth;
};

// Hold the platform at position_m (a position-hold drive mode), or release it.
struct HoldCommand {
  bool hold_position = false;
  double position_m = 0;
};

struct HoldResult {
  int index = 0;  // 1-based
  bool started = false;
  bool counted = false;
  double time_in_band_s = 0;
  double time_above_s = 0;
  double time_below_s = 0;
  double in_band_fraction = 0;  // of hold_s
  double mean_force_n = 0;      // time-weighted over the hold
  double peak_force_n = 0;
};

enum class HoldStage { kWaiting, kHolding, kRest, kDone };

struct HoldUpdate {
  HoldCommand command;
  bool hold_finished = false;  // last_hold() holds it
  bool finished = false;       // all holds done (reported once)
};

class IsometricHoldProtocol {
 public:
  explicit IsometricHoldProtocol(const IsometricSpec& spec);

  HoldUpdate update(const MotionSample& s);
  void request_stop();  // release at once (nothing to ramp: the athlete sets the force)

  HoldStage stage() const { return stage_; }
  double target_n() const { return target_n_; }
  double band_low_n() const { return target_n_ * (1 - spec_.band_fraction); }
  double band_high_n() const { return target_n_ * (1 + spec_.band_fraction); }
  double stage_remaining_s() const { return remaining_s_; }  // hold or rest left [s]
  int holds_done() const { return done_holds_; }
  int holds_counted() const { return counted_; }
  const HoldResult& last_hold() const { return last_; }

 private:
  void end_hold(HoldUpdate& u, double t_s);

  IsometricSpec spec_;
  double target_n_ = 0;
  HoldStage stage_ = HoldStage::kWaiting;
  bool started_ = false;
  bool finish_reported_ = false;
  double stage_start_t_s_ = 0;
  double remaining_s_ = 0;
  double last_t_s_ = 0;
  double last_f_n_ = 0;
  double impulse_ns_ = 0;
  HoldResult cur_;
  HoldResult last_;
  int done_holds_ = 0;
  int counted_ = 0;
};

}  // namespace tempoload::protocols
