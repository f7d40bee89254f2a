// Validation of StartDynamometerTestRequest (errors name the field), defaults, the expansion of
// the named protocols, and the report's bilateral comparison against hand-computed values.
#include "plugin/session/dynamometer_request.hpp"

#include <gtest/gtest.h>

#include "plugin/session/dynamometer_report.hpp"

namespace tempoload::plugin {
namespace {

namespace v1 = tempoload::v1;
constexpr double kDeg = protocols::kPi / 180;

drivers::MachineLimits dynamometer() {
  drivers::MachineLimits m;
  m.max_torque_nm = 400;
  m.max_speed_radps = 300 * kDeg;
  m.angle_min_rad = -45 * kDeg;
  m.angle_max_rad = 60 * kDeg;
  m.watchdog_s = 0.1;
  return m;
}

v1::StartDynamometerTestRequest standard() {
  v1::StartDynamometerTestRequest r;
  r.set_athlete_id("a-1");
  r.set_body_mass_kg(80);
  for (auto* range : {r.mutable_left_range(), r.mutable_right_range()}) {
    range->set_min_deg(-15);
    range->set_max_deg(35);
  }
  r.mutable_standard_test();
  return r;
}

std::string field_of(const v1::StartDynamometerTestRequest& r) {
  const std::string e = validate(r, dynamometer());
  return e.substr(0, e.find(':'));
}

TEST(DynamometerRequest, StandardTestWithDefaultsIsValidAndExpands) {
  ASSERT_EQ(validate(standard(), dynamometer()), "");
  const auto r = with_defaults(standard(), dynamometer());
  EXPECT_EQ(r.standard_test().reps(), 5u);
  ASSERT_EQ(r.standard_test().speeds_deg_s_size(), 2);
  EXPECT_EQ(r.left_range().cushion_deg(), 5);
  EXPECT_EQ(r.return_speed_deg_s(), 60);
  EXPECT_EQ(r.torque_limit_nm(), 250);
  const auto spec = to_spec(r);
  ASSERT_EQ(spec.series_count, 6);
  EXPECT_EQ(spec.series[0].mode, protocols::DynoMode::kGravityCorrection);
  EXPECT_NEAR(spec.series[2].speed_radps, 180 * kDeg, 1e-12);
  EXPECT_EQ(spec.series[3].side, protocols::Side::kRight);
  EXPECT_NEAR(spec.rom[0].cushion_rad, 5 * kDeg, 1e-12);
}

TEST(DynamometerRequest, MotorSpeedsAboveSixtyNeedTheConfirmationField) {
  auto r = standard();
  r.set_return_speed_deg_s(90);
  EXPECT_EQ(field_of(r), "confirm_fast_motor_speeds");
  EXPECT_NE(validate(r, dynamometer()).find("return_speed_deg_s is 90 deg/s (passive)"),
            std::string::npos)
      << validate(r, dynamometer());
  r.set_confirm_fast_motor_speeds(true);
  EXPECT_EQ(validate(r, dynamometer()), "");

  v1::StartDynamometerTestRequest ecc = standard();
  auto* s = ecc.mutable_custom()->add_series();
  s->set_leg(v1::LEG_LEFT);
  s->set_mode(v1::DYNAMOMETER_MODE_ISOKINETIC_ECCENTRIC);
  s->set_reps(5);
  s->set_speed_deg_s(60);
  EXPECT_EQ(validate(ecc, dynamometer()), "") << "60 deg/s itself needs no confirmation";
  s->set_speed_deg_s(60.5);
  EXPECT_EQ(validate(ecc, dynamometer()),
            "confirm_fast_motor_speeds: custom.series[0] is eccentric at 60.5 deg/s, above 60 "
            "deg/s: set confirm_fast_motor_speeds to true to run it");
  // Concentric isokinetic is driven by the athlete: 180 deg/s needs no confirmation.
  s->set_mode(v1::DYNAMOMETER_MODE_ISOKINETIC_CONCENTRIC);
  s->set_speed_deg_s(180);
  EXPECT_EQ(validate(ecc, dynamometer()), "");
}

TEST(DynamometerRequest, BadFieldsAreNamed) {
  auto r = standard();
  r.set_body_mass_kg(0);
  EXPECT_EQ(field_of(r), "body_mass_kg");
  r = standard();
  r.clear_protocol();
  EXPECT_EQ(field_of(r), "protocol");
  r = standard();
  r.mutable_left_range()->set_min_deg(-50);
  EXPECT_EQ(field_of(r), "left_range.min_deg");
  r = standard();
  r.mutable_right_range()->set_max_deg(-10);
  EXPECT_EQ(field_of(r), "right_range.max_deg");
  r = standard();
  r.mutable_right_range()->set_cushion_deg(20);  // more than a quarter of 50 deg
  EXPECT_EQ(field_of(r), "right_range.cushion_deg");
  r = standard();
  r.clear_right_range();
  EXPECT_EQ(field_of(r), "right_range");
  r.add_legs(v1::LEG_LEFT);  // only the left leg: no right range needed
  EXPECT_EQ(validate(r, dynamometer()), "");
  r = standard();
  r.mutable_standard_test()->add_speeds_deg_s(400);
  EXPECT_EQ(field_of(r), "standard_test.speeds_deg_s[0]");
  r = standard();
  r.set_torque_limit_nm(500);
  EXPECT_EQ(field_of(r), "torque_limit_nm");
  r = standard();
  r.clear_standard_test();
  r.mutable_eccentric_training()->set_lowering_s(2);
  EXPECT_EQ(field_of(r), "eccentric_training.lowering_s");
  r = standard();
  auto* s = r.mutable_custom()->add_series();
  s->set_leg(v1::LEG_LEFT);
  s->set_mode(v1::DYNAMOMETER_MODE_ISOMETRIC);
  s->set_reps(3);
  s->set_hold_s(5);
  s->set_hold_angle_deg(40);  // beyond the left range's 35 deg
  EXPECT_EQ(field_of(r), "custom.series[0].hold_angle_deg");
}

TEST(DynamometerReport, BilateralDeficitAndSeriesMetricsFromTheReps) {
  auto rx = standard();
  rx.clear_standard_test();
  auto* custom = rx.mutable_custom();
  for (auto leg : {v1::LEG_LEFT, v1::LEG_RIGHT}) {
    auto* s = custom->add_series();
    s->set_leg(leg);
    s->set_mode(v1::DYNAMOMETER_MODE_ISOKINETIC_CONCENTRIC);
    s->set_reps(3);
    s->set_speed_deg_s(60);
  }
  rx = with_defaults(rx, dynamometer());
  const auto spec = to_spec(rx);
  DynamometerProgress p;
  // Left peaks 80, 84, 76 N m (work 40, 38, 36 J); right 100, 96, 98 N m (work 50 J each).
  const double left[] = {80, 84, 76}, left_work[] = {40, 38, 36}, right[] = {100, 96, 98};
  for (int series = 1; series <= 2; ++series)
    for (int i = 0; i < 3; ++i) {
      protocols::DynoRep rep;
      rep.series = series;
      rep.index = i + 1;
      rep.side = series == 1 ? protocols::Side::kLeft : protocols::Side::kRight;
      rep.complete = true;
      rep.peak_torque_nm = series == 1 ? left[i] : right[i];
      rep.work_j = series == 1 ? left_work[i] : 50;
      rep.duration_s = 1.0;
      p.reps.push_back(rep);
      p.rep_unix_ms.push_back(1000 + i);
    }
  p.series_begun = p.series_finished = 2;
  const auto report = build_dynamometer_report(rx, spec, p, "completed");
  ASSERT_EQ(report.results_size(), 2);
  const auto& l = report.results(0);
  EXPECT_EQ(l.peak_torque_nm(), 84);
  EXPECT_NEAR(l.peak_torque_per_kg(), 84.0 / 80, 1e-12);  // 1.05 N m/kg
  EXPECT_NEAR(l.total_work_j(), 114, 1e-12);
  EXPECT_NEAR(l.average_power_w(), 114.0 / 3, 1e-12);  // 38 W
  // Peaks 80, 84, 76: mean 80, SD 4 -> CV 5%.
  EXPECT_NEAR(l.cv_peak_torque_pct(), 5.0, 1e-12);
  // 3 reps: rep 1 (40 J) vs rep 3 (36 J) -> 10%.
  EXPECT_NEAR(l.fatigue_pct(), 10.0, 1e-12);
  ASSERT_EQ(report.bilateral_size(), 1);
  const auto& b = report.bilateral(0);
  // Peak: (100 - 84) / 100 = 16%, the left weaker; work: (150 - 114) / 150 = 24%.
  EXPECT_NEAR(b.deficit_pct(), 16.0, 1e-12);
  EXPECT_NEAR(b.work_deficit_pct(), 24.0, 1e-12);
  EXPECT_EQ(b.weaker_leg(), v1::LEG_LEFT);
  rx.set_involved_leg(v1::LEG_RIGHT);  // now against the left: (84 - 100) / 84 = -19.05%
  const auto involved = build_dynamometer_report(rx, spec, p, "completed");
  EXPECT_NEAR(involved.bilateral(0).deficit_pct(), -16.0 / 84 * 100, 1e-9);
  EXPECT_EQ(involved.bilateral(0).formula(), "(uninvolved - involved) / uninvolved x 100");
}

}  // namespace
}  // namespace tempoload::plugin
