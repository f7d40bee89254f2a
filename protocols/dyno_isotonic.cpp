// DynoTestProtocol's isotonic series: the rep detection by angle zones and the torque ramps.
#include <algorithm>

#include "protocols/dyno_test_protocol.hpp"
#include "protocols/rom_cushion.hpp"

namespace tempoload::protocols {
namespace {

constexpr double kIsotonicZone = 0.15;   // bottom and top zones, fraction of the range
constexpr double kStillFraction = 0.05;  // slower than 5% of the speed cap is still

}  // namespace

// Isotonic: the torque stays on for the whole series (ramped on and off); a rep is a rise out of
// the bottom zone, measured up to the turn, and counted when it is back in the bottom zone.
void DynoTestProtocol::isotonic(const DynoSample& s, double t, DynoUpdate& u) {
  const DynoSeriesSpec& ser = series();
  const RangeOfMotionLimits& r = rom();
  const double zone = kIsotonicZone * r.span_rad();
  const double cap = spec_.isotonic_speed_cap_radps;
  const double still = kStillFraction * cap;
  const double ramp = std::max(spec_.load_ramp_s, 1e-3);

  if (iso_ == IsotonicStage::kUnloading) {
    iso_torque_nm_ = std::max(0.0, iso_unload_from_nm_ * (1 - (t - stage_start_t_) / ramp));
  } else {
    // The ramp restarts with every series, not with every rep.
    const double since_series_effort = attempts_ == 0 ? t - stage_start_t_ : ramp;
    iso_torque_nm_ = ser.torque_nm * std::min(1.0, since_series_effort / ramp);
  }
  int dir = s.velocity_radps > still ? 1 : s.velocity_radps < -still ? -1 : 0;
  if (dir == 0) dir = s.angle_rad > r.min_rad + 0.5 * r.span_rad() ? -1 : 1;  // where it goes next
  command_ = base_command();
  command_.mode = DynoDriveMode::kIsotonic;
  command_.torque_nm = iso_torque_nm_;
  command_.velocity_radps = capped_speed(s.angle_rad, dir, cap, r);

  switch (iso_) {
    case IsotonicStage::kBottom:
      if (s.velocity_radps <= still) {  // the rep starts at the last still sample
        rep_.begin(identity_, spec_.set_angles_rad.data(), spec_.set_angle_count);
      }
      rep_.add(t, s.angle_rad, corrected_nm_);
      if (s.angle_rad > r.min_rad + zone) iso_ = IsotonicStage::kRising;
      if (iso_ == IsotonicStage::kBottom && t - stage_start_t_ > spec_.isotonic_idle_s) {
        iso_ = IsotonicStage::kUnloading;  // nobody lifts: end the series
        iso_unload_from_nm_ = iso_torque_nm_;
        stage_start_t_ = t;
      }
      break;
    case IsotonicStage::kRising:
      if (s.velocity_radps < -still) {
        iso_reached_top_ = s.angle_rad >= r.max_rad - zone;
        last_rep_ = rep_.finish(iso_reached_top_);
        iso_ = IsotonicStage::kLowering;
      } else {
        rep_.add(t, s.angle_rad, corrected_nm_);
      }
      break;
    case IsotonicStage::kLowering:
      if (s.angle_rad <= r.min_rad + zone) {
        ++attempts_;
        u.rep_completed = true;
        stage_start_t_ = t;  // the idle time counts from here
        if (attempts_ >= ser.reps) {
          iso_ = IsotonicStage::kUnloading;
          iso_unload_from_nm_ = iso_torque_nm_;
        } else {
          iso_ = IsotonicStage::kBottom;
          identity_.index = attempts_ + 1;
          rep_.begin(identity_, spec_.set_angles_rad.data(), spec_.set_angle_count);
        }
      }
      break;
    case IsotonicStage::kUnloading:
      if (iso_torque_nm_ <= 0) end_series(t, u);
      break;
  }
}

}  // namespace tempoload::protocols
