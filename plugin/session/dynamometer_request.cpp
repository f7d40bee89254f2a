#include "plugin/session/dynamometer_request.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include "plugin/session/proto_conversion.hpp"
#include "protocols/dyno_presets.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

using protocols::deg_to_rad;
using protocols::rad_to_deg;

constexpr double kDefaultCushionDeg = 5;
constexpr double kDefaultReturnSpeedDegS = 60;
constexpr double kDefaultTorqueLimitNm = 250;
constexpr double kDefaultRestBetweenSeriesS = 60;
constexpr double kDefaultRestBetweenRepsS = 0.5;
constexpr double kMinSpeedDegS = 5;
constexpr double kMaxRestS = 600;
constexpr std::uint32_t kMaxReps = 50;
constexpr double kMotorSpeedConfirmDegS = rad_to_deg(protocols::kUnconfirmedMaxMotorSpeedRadps);

std::string fmt(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

std::vector<v1::Leg> legs_of(const v1::StartDynamometerTestRequest& r) {
  std::vector<v1::Leg> legs;
  if (r.has_custom()) {
    for (const auto& s : r.custom().series()) {
      const bool known = s.leg() == v1::LEG_LEFT || s.leg() == v1::LEG_RIGHT;
      if (known && std::find(legs.begin(), legs.end(), s.leg()) == legs.end())
        legs.push_back(s.leg());
    }
    return legs;
  }
  for (int l : r.legs()) legs.push_back(static_cast<v1::Leg>(l));
  if (legs.empty()) legs = {v1::LEG_LEFT, v1::LEG_RIGHT};
  return legs;
}

std::string check_rest(const std::string& field, bool present, double v) {
  if (present && !(v >= 0 && v <= kMaxRestS))
    return field + ": " + fmt(v) + " s is outside [0, " + fmt(kMaxRestS) + "] s";
  return "";
}

std::string check_range(const char* field, const v1::AnkleRange& r,
                        const drivers::MachineLimits& m) {
  const double lo = rad_to_deg(m.angle_min_rad), hi = rad_to_deg(m.angle_max_rad);
  const std::string f = field;
  if (!std::isfinite(r.min_deg()) || r.min_deg() < lo - 1e-9)
    return f + ".min_deg: " + fmt(r.min_deg()) + " deg is outside the machine's range [" + fmt(lo) +
           ", " + fmt(hi) + "] deg";
  if (!std::isfinite(r.max_deg()) || r.max_deg() > hi + 1e-9 || r.max_deg() - r.min_deg() < 10)
    return f + ".max_deg: " + fmt(r.max_deg()) + " deg must be within the machine's range (up to " +
           fmt(hi) + " deg) and at least 10 deg above min_deg";
  const double span = r.max_deg() - r.min_deg();
  if (!std::isfinite(r.cushion_deg()) || r.cushion_deg() <= 0 || r.cushion_deg() > span / 4)
    return f + ".cushion_deg: " + fmt(r.cushion_deg()) + " deg is outside (0, " + fmt(span / 4) +
           "] deg (a quarter of the range)";
  return "";
}

const v1::AnkleRange& range_of(const v1::StartDynamometerTestRequest& r, v1::Leg leg) {
  return leg == v1::LEG_RIGHT ? r.right_range() : r.left_range();
}

std::string check_series(const std::string& at, const v1::DynamometerSeries& s,
                         const v1::StartDynamometerTestRequest& r,
                         const drivers::MachineLimits& m) {
  if (s.leg() != v1::LEG_LEFT && s.leg() != v1::LEG_RIGHT) return at + ".leg: LEFT or RIGHT";
  if (s.mode() == v1::DYNAMOMETER_MODE_UNSPECIFIED || !v1::DynamometerMode_IsValid(s.mode()))
    return at + ".mode: required";
  const bool gravity = s.mode() == v1::DYNAMOMETER_MODE_GRAVITY_CORRECTION;
  if (!gravity && (s.reps() < 1 || s.reps() > kMaxReps))
    return at + ".reps: must be in [1, " + std::to_string(kMaxReps) + "], got " +
           std::to_string(s.reps());
  const double max_speed = rad_to_deg(m.max_speed_radps);
  if ((s.mode() == v1::DYNAMOMETER_MODE_ISOKINETIC_CONCENTRIC ||
       s.mode() == v1::DYNAMOMETER_MODE_ISOKINETIC_ECCENTRIC) &&
      !(s.speed_deg_s() >= kMinSpeedDegS && s.speed_deg_s() <= max_speed))
    return at + ".speed_deg_s: " + fmt(s.speed_deg_s()) + " deg/s is outside [" +
           fmt(kMinSpeedDegS) + ", " + fmt(max_speed) + "] deg/s";
  if (s.mode() == v1::DYNAMOMETER_MODE_ISOTONIC &&
      !(s.torque_nm() > 0 && s.torque_nm() <= r.torque_limit_nm()))
    return at + ".torque_nm: " + fmt(s.torque_nm()) + " N m is outside (0, " +
           fmt(r.torque_limit_nm()) + "] N m (the torque limit)";
  if (s.mode() == v1::DYNAMOMETER_MODE_ISOMETRIC) {
    const auto& range = range_of(r, s.leg());
    if (!(s.hold_angle_deg() >= range.min_deg() && s.hold_angle_deg() <= range.max_deg()))
      return at + ".hold_angle_deg: " + fmt(s.hold_angle_deg()) +
             " deg is outside the leg's range [" + fmt(range.min_deg()) + ", " +
             fmt(range.max_deg()) + "] deg";
    if (!(s.hold_s() > 0 && s.hold_s() <= 60))
      return at + ".hold_s: " + fmt(s.hold_s()) + " s is outside (0, 60] s";
  }
  if (gravity && s.gravity_points() != 0 &&
      (s.gravity_points() < 2 || s.gravity_points() > protocols::kMaxGravityPoints))
    return at + ".gravity_points: must be in [2, " + std::to_string(protocols::kMaxGravityPoints) +
           "] or 0 for 5, got " + std::to_string(s.gravity_points());
  if (auto e = check_rest(at + ".rest_between_reps_s", s.has_rest_between_reps_s(),
                          s.rest_between_reps_s());
      !e.empty())
    return e;
  return check_rest(at + ".rest_after_s", s.has_rest_after_s(), s.rest_after_s());
}

// The first motor-driven speed above 60 deg/s, described, or "".
std::string fast_motor_speed(const v1::StartDynamometerTestRequest& r,
                             const protocols::DynoTestSpec& spec) {
  if (r.return_speed_deg_s() > kMotorSpeedConfirmDegS + 1e-9)
    return "return_speed_deg_s is " + fmt(r.return_speed_deg_s()) + " deg/s (passive)";
  for (int i = 0; i < spec.series_count; ++i) {
    const auto& s = spec.series[i];
    const double deg_s = rad_to_deg(s.speed_radps);
    if (s.mode == protocols::DynoMode::kIsokineticEccentric &&
        deg_s > kMotorSpeedConfirmDegS + 1e-9) {
      const std::string where = r.has_custom() ? "custom.series[" + std::to_string(i) + "]"
                                               : "series " + std::to_string(i + 1);
      return where + " is eccentric at " + fmt(std::round(deg_s * 100) / 100) + " deg/s";
    }
  }
  return "";
}

}  // namespace

double setting_deg(double rad) { return std::round(rad_to_deg(rad) * 1e9) / 1e9; }

v1::Leg to_proto(protocols::Side side) {
  return side == protocols::Side::kRight ? v1::LEG_RIGHT : v1::LEG_LEFT;
}

v1::DynamometerMode to_proto(protocols::DynoMode mode) {
  switch (mode) {
    case protocols::DynoMode::kIsokineticConcentric:
      return v1::DYNAMOMETER_MODE_ISOKINETIC_CONCENTRIC;
    case protocols::DynoMode::kIsokineticEccentric:
      return v1::DYNAMOMETER_MODE_ISOKINETIC_ECCENTRIC;
    case protocols::DynoMode::kIsometric:
      return v1::DYNAMOMETER_MODE_ISOMETRIC;
    case protocols::DynoMode::kIsotonic:
      return v1::DYNAMOMETER_MODE_ISOTONIC;
    case protocols::DynoMode::kGravityCorrection:
      return v1::DYNAMOMETER_MODE_GRAVITY_CORRECTION;
  }
  return v1::DYNAMOMETER_MODE_UNSPECIFIED;
}

v1::StartDynamometerTestRequest with_defaults(v1::StartDynamometerTestRequest r,
                                              const drivers::MachineLimits& m) {
  for (bool left : {true, false}) {
    if (!(left ? r.has_left_range() : r.has_right_range())) continue;  // absent stays absent
    auto* range = left ? r.mutable_left_range() : r.mutable_right_range();
    if (range->cushion_deg() == 0)
      range->set_cushion_deg(
          std::min(kDefaultCushionDeg, (range->max_deg() - range->min_deg()) / 4));
  }
  if (r.return_speed_deg_s() == 0) r.set_return_speed_deg_s(kDefaultReturnSpeedDegS);
  if (r.torque_limit_nm() == 0)
    r.set_torque_limit_nm(std::min(kDefaultTorqueLimitNm, m.max_torque_nm));
  if (!r.has_custom()) {
    if (r.legs_size() == 0) {
      r.add_legs(v1::LEG_LEFT);
      r.add_legs(v1::LEG_RIGHT);
    }
    if (!r.has_gravity_correction()) r.set_gravity_correction(true);
    if (!r.has_rest_between_series_s()) r.set_rest_between_series_s(kDefaultRestBetweenSeriesS);
    if (!r.has_rest_between_reps_s()) r.set_rest_between_reps_s(kDefaultRestBetweenRepsS);
  }
  if (r.has_standard_test()) {
    auto* t = r.mutable_standard_test();
    if (t->speeds_deg_s_size() == 0) {
      t->add_speeds_deg_s(60);
      t->add_speeds_deg_s(180);
    }
    if (t->reps() == 0) t->set_reps(5);
  }
  if (r.has_eccentric_training()) {
    auto* e = r.mutable_eccentric_training();
    if (e->reps() == 0) e->set_reps(15);
    if (e->sets() == 0) e->set_sets(3);
  }
  if (r.has_custom()) {
    for (auto& s : *r.mutable_custom()->mutable_series()) {
      if (!s.has_rest_between_reps_s()) s.set_rest_between_reps_s(kDefaultRestBetweenRepsS);
      if (!s.has_rest_after_s()) s.set_rest_after_s(kDefaultRestBetweenSeriesS);
      if (s.mode() == v1::DYNAMOMETER_MODE_GRAVITY_CORRECTION && s.gravity_points() == 0)
        s.set_gravity_points(5);
    }
  }
  return r;
}

std::string validate(const v1::StartDynamometerTestRequest& raw, const drivers::MachineLimits& m) {
  if (auto e = validate_id("athlete_id", raw.athlete_id()); !e.empty()) return e;
  if (!(raw.body_mass_kg() >= 20 && raw.body_mass_kg() <= 300))
    return "body_mass_kg: " + fmt(raw.body_mass_kg()) + " kg is outside [20, 300] kg";
  if (!v1::Leg_IsValid(raw.involved_leg())) return "involved_leg: LEFT, RIGHT or unspecified";
  if (raw.protocol_case() == v1::StartDynamometerTestRequest::PROTOCOL_NOT_SET)
    return "protocol: one of standard_test, eccentric_training or custom is required";
  for (int i = 0; i < raw.legs_size(); ++i) {
    const auto leg = raw.legs(i);
    if (leg != v1::LEG_LEFT && leg != v1::LEG_RIGHT)
      return "legs[" + std::to_string(i) + "]: LEFT or RIGHT";
    for (int j = 0; j < i; ++j)
      if (raw.legs(j) == leg) return "legs[" + std::to_string(i) + "]: listed twice";
  }
  const v1::StartDynamometerTestRequest r = with_defaults(raw, m);
  if (!(r.torque_limit_nm() > 0 && r.torque_limit_nm() <= m.max_torque_nm))
    return "torque_limit_nm: " + fmt(r.torque_limit_nm()) + " N m is outside (0, " +
           fmt(m.max_torque_nm) + "] N m (the machine's limit)";
  const double max_speed = rad_to_deg(m.max_speed_radps);
  if (!(r.return_speed_deg_s() >= kMinSpeedDegS && r.return_speed_deg_s() <= max_speed))
    return "return_speed_deg_s: " + fmt(r.return_speed_deg_s()) + " deg/s is outside [" +
           fmt(kMinSpeedDegS) + ", " + fmt(max_speed) + "] deg/s";
  for (const auto leg : legs_of(r)) {
    const bool left = leg == v1::LEG_LEFT;
    const char* field = left ? "left_range" : "right_range";
    if (!(left ? r.has_left_range() : r.has_right_range()))
      return std::string(field) + ": required for the " + (left ? "left" : "right") + " leg";
    if (auto e = check_range(field, range_of(r, leg), m); !e.empty()) return e;
  }
  if (r.set_angles_deg_size() > protocols::kMaxSetAngles)
    return "set_angles_deg: at most " + std::to_string(protocols::kMaxSetAngles) + " angles";
  for (int i = 0; i < r.set_angles_deg_size(); ++i) {
    const double a = r.set_angles_deg(i);
    if (!(a >= rad_to_deg(m.angle_min_rad) && a <= rad_to_deg(m.angle_max_rad)))
      return "set_angles_deg[" + std::to_string(i) + "]: " + fmt(a) +
             " deg is outside the machine's range";
  }
  if (auto e = check_rest("rest_between_series_s", r.has_rest_between_series_s(),
                          r.rest_between_series_s());
      !e.empty())
    return e;
  if (auto e =
          check_rest("rest_between_reps_s", r.has_rest_between_reps_s(), r.rest_between_reps_s());
      !e.empty())
    return e;

  int series = 0;
  const int legs = static_cast<int>(legs_of(r).size());
  const int gravity = r.gravity_correction() ? 1 : 0;
  if (r.has_standard_test()) {
    const auto& t = r.standard_test();
    if (t.reps() < 1 || t.reps() > kMaxReps)
      return "standard_test.reps: must be in [1, " + std::to_string(kMaxReps) + "], got " +
             std::to_string(t.reps());
    for (int i = 0; i < t.speeds_deg_s_size(); ++i)
      if (!(t.speeds_deg_s(i) >= kMinSpeedDegS && t.speeds_deg_s(i) <= max_speed))
        return "standard_test.speeds_deg_s[" + std::to_string(i) + "]: " + fmt(t.speeds_deg_s(i)) +
               " deg/s is outside [" + fmt(kMinSpeedDegS) + ", " + fmt(max_speed) + "] deg/s";
    series = legs * (t.speeds_deg_s_size() + gravity);
  } else if (r.has_eccentric_training()) {
    const auto& e = r.eccentric_training();
    if (!(e.lowering_s() >= 3 && e.lowering_s() <= 5))
      return "eccentric_training.lowering_s: " + fmt(e.lowering_s()) + " s is outside [3, 5] s";
    if (e.reps() < 1 || e.reps() > kMaxReps)
      return "eccentric_training.reps: must be in [1, " + std::to_string(kMaxReps) + "], got " +
             std::to_string(e.reps());
    if (e.sets() < 1 || e.sets() > 10)
      return "eccentric_training.sets: must be in [1, 10], got " + std::to_string(e.sets());
    series = legs * (static_cast<int>(e.sets()) + gravity);
  } else {
    const auto& c = r.custom();
    if (c.series_size() < 1) return "custom.series: at least one series";
    for (int i = 0; i < c.series_size(); ++i) {
      const std::string at = "custom.series[" + std::to_string(i) + "]";
      if (auto e = check_series(at, c.series(i), r, m); !e.empty()) return e;
    }
    series = c.series_size();
  }
  if (series > protocols::kMaxSeries)
    return std::string(r.has_custom() ? "custom.series" : "legs") + ": " + std::to_string(series) +
           " series, at most " + std::to_string(protocols::kMaxSeries);

  if (!r.confirm_fast_motor_speeds()) {
    if (const std::string fast = fast_motor_speed(r, to_spec(r)); !fast.empty())
      return "confirm_fast_motor_speeds: " + fast + ", above " + fmt(kMotorSpeedConfirmDegS) +
             " deg/s: set confirm_fast_motor_speeds to true to run it";
  }
  return "";
}

protocols::DynoTestSpec to_spec(const v1::StartDynamometerTestRequest& r) {
  protocols::CommonParams c;
  auto to_limits = [](const v1::AnkleRange& a) {
    return protocols::RangeOfMotionLimits{deg_to_rad(a.min_deg()), deg_to_rad(a.max_deg()),
                                          deg_to_rad(a.cushion_deg())};
  };
  c.rom[0] = to_limits(r.left_range());
  c.rom[1] = to_limits(r.right_range());
  for (double a : r.set_angles_deg()) c.set_angles_rad.push_back(deg_to_rad(a));
  c.gravity_correction = r.gravity_correction();
  c.left = c.right = false;
  for (int l : r.legs()) (l == v1::LEG_RIGHT ? c.right : c.left) = true;
  c.right_first = r.legs_size() > 0 && r.legs(0) == v1::LEG_RIGHT;
  c.rest_between_reps_s = r.rest_between_reps_s();
  c.rest_between_series_s = r.rest_between_series_s();
  c.return_speed_radps = deg_to_rad(r.return_speed_deg_s());
  c.torque_limit_nm = r.torque_limit_nm();
  c.fast_motor_speed_confirmed = r.confirm_fast_motor_speeds();

  if (r.has_standard_test()) {
    protocols::StandardTestParams p;
    p.common = c;
    p.reps = static_cast<int>(r.standard_test().reps());
    p.speeds_radps.clear();
    for (double v : r.standard_test().speeds_deg_s()) p.speeds_radps.push_back(deg_to_rad(v));
    return protocols::standard_plantarflexion_test(p);
  }
  if (r.has_eccentric_training()) {
    protocols::EccentricTrainingParams p;
    p.common = c;
    p.lowering_s = r.eccentric_training().lowering_s();
    p.reps = static_cast<int>(r.eccentric_training().reps());
    p.sets = static_cast<int>(r.eccentric_training().sets());
    return protocols::eccentric_training(p);
  }
  protocols::DynoTestSpec spec = protocols::base_spec(c);
  for (const auto& s : r.custom().series()) {
    if (spec.series_count >= protocols::kMaxSeries) break;
    protocols::DynoSeriesSpec& d = spec.series[spec.series_count++];
    d.side = s.leg() == v1::LEG_RIGHT ? protocols::Side::kRight : protocols::Side::kLeft;
    switch (s.mode()) {
      case v1::DYNAMOMETER_MODE_ISOKINETIC_ECCENTRIC:
        d.mode = protocols::DynoMode::kIsokineticEccentric;
        break;
      case v1::DYNAMOMETER_MODE_ISOMETRIC:
        d.mode = protocols::DynoMode::kIsometric;
        break;
      case v1::DYNAMOMETER_MODE_ISOTONIC:
        d.mode = protocols::DynoMode::kIsotonic;
        break;
      case v1::DYNAMOMETER_MODE_GRAVITY_CORRECTION:
        d.mode = protocols::DynoMode::kGravityCorrection;
        break;
      default:
        d.mode = protocols::DynoMode::kIsokineticConcentric;
        break;
    }
    d.reps = static_cast<int>(s.reps());
    d.speed_radps = deg_to_rad(s.speed_deg_s());
    d.torque_nm = s.torque_nm();
    d.hold_angle_rad = deg_to_rad(s.hold_angle_deg());
    d.hold_s = s.hold_s();
    d.rest_between_reps_s = s.rest_between_reps_s();
    d.rest_after_s = s.rest_after_s();
    d.gravity_points = static_cast<int>(s.gravity_points());
  }
  return spec;
}

v1::DynamometerSeries to_proto(const protocols::DynoSeriesSpec& s) {
  v1::DynamometerSeries p;
  p.set_leg(to_proto(s.side));
  p.set_mode(to_proto(s.mode));
  if (s.mode != protocols::DynoMode::kGravityCorrection)
    p.set_reps(static_cast<std::uint32_t>(s.reps));
  if (s.mode == protocols::DynoMode::kIsokineticConcentric ||
      s.mode == protocols::DynoMode::kIsokineticEccentric)
    p.set_speed_deg_s(setting_deg(s.speed_radps));
  if (s.mode == protocols::DynoMode::kIsotonic) p.set_torque_nm(s.torque_nm);
  if (s.mode == protocols::DynoMode::kIsometric) {
    p.set_hold_angle_deg(setting_deg(s.hold_angle_rad));
    p.set_hold_s(s.hold_s);
  }
  p.set_rest_between_reps_s(s.rest_between_reps_s);
  p.set_rest_after_s(s.rest_after_s);
  if (s.mode == protocols::DynoMode::kGravityCorrection)
    p.set_gravity_points(static_cast<std::uint32_t>(s.gravity_points));
  return p;
}

}  // namespace tempoload::plugin
