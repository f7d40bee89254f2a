#include "plugin/session/dynamometer_report.hpp"

#include <algorithm>
#include <cmath>

#include "plugin/session/dynamometer_request.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

using protocols::rad_to_deg;

constexpr const char* kDeficitFormula = "(stronger - weaker) / stronger x 100";
constexpr const char* kInvolvedFormula = "(uninvolved - involved) / uninvolved x 100";

bool compared(protocols::DynoMode m) { return m != protocols::DynoMode::kGravityCorrection; }

// Series of the same kind on both legs are compared: same mode and setting.
bool same_kind(const protocols::DynoSeriesSpec& a, const protocols::DynoSeriesSpec& b) {
  return a.mode == b.mode && std::fabs(a.speed_radps - b.speed_radps) < 1e-9 &&
         std::fabs(a.torque_nm - b.torque_nm) < 1e-9 &&
         std::fabs(a.hold_angle_rad - b.hold_angle_rad) < 1e-9;
}

std::vector<protocols::DynoRep> reps_of(const DynamometerProgress& p, int series) {
  std::vector<protocols::DynoRep> out;
  for (const auto& r : p.reps)
    if (r.series == series) out.push_back(r);
  return out;
}

v1::DynamometerSeriesResult series_result(const v1::StartDynamometerTestRequest& prescription,
                                          const protocols::DynoTestSpec& spec,
                                          const DynamometerProgress& progress, int number,
                                          const std::string& end_reason) {
  const protocols::DynoSeriesSpec& s = spec.series[number - 1];
  const auto reps = reps_of(progress, number);
  const protocols::SeriesMetrics m = protocols::series_metrics(reps, prescription.body_mass_kg());
  v1::DynamometerSeriesResult r;
  r.set_series(static_cast<std::uint32_t>(number));
  *r.mutable_prescription() = to_proto(s);
  r.set_reps_attempted(static_cast<std::uint32_t>(reps.size()));
  r.set_reps_measured(static_cast<std::uint32_t>(m.reps_measured));
  r.set_peak_torque_nm(m.peak_torque_nm);
  r.set_angle_of_peak_deg(rad_to_deg(m.angle_of_peak_rad));
  r.set_peak_torque_per_kg(m.peak_torque_per_kg);
  r.set_mean_peak_torque_nm(m.mean_peak_torque_nm);
  r.set_total_work_j(m.total_work_j);
  r.set_max_rep_work_j(m.max_rep_work_j);
  r.set_average_power_w(m.average_power_w);
  r.set_cv_peak_torque_pct(m.cv_peak_torque_pct);
  if (m.fatigue_pct) r.set_fatigue_pct(*m.fatigue_pct);
  for (int k = 0; k < spec.set_angle_count; ++k) {
    if (m.reps_at_angle[k] == 0) continue;
    auto* t = r.add_torque_at_angles();
    t->set_angle_deg(setting_deg(spec.set_angles_rad[k]));
    t->set_torque_nm(m.torque_at_angle_nm[k]);
    t->set_reps(static_cast<std::uint32_t>(m.reps_at_angle[k]));
  }
  for (std::size_t i = 0; i < progress.reps.size(); ++i)
    if (progress.reps[i].series == number)
      *r.add_reps() = to_proto(progress.reps[i], progress.rep_unix_ms[i], spec);
  if (number <= progress.series_finished) {
    r.set_end_reason("completed");
  } else {
    r.set_end_reason(end_reason.empty() ? "running" : end_reason);
  }
  return r;
}

}  // namespace

v1::DynamometerRep to_proto(const protocols::DynoRep& rep, std::int64_t unix_ms,
                            const protocols::DynoTestSpec& spec) {
  v1::DynamometerRep p;
  p.set_series(static_cast<std::uint32_t>(rep.series));
  p.set_index(static_cast<std::uint32_t>(rep.index));
  p.set_leg(to_proto(rep.side));
  p.set_mode(to_proto(rep.mode));
  p.set_set_speed_deg_s(setting_deg(rep.set_speed_radps));
  p.set_complete(rep.complete);
  p.set_gravity_corrected(rep.gravity_corrected);
  p.set_peak_torque_nm(rep.peak_torque_nm);
  p.set_angle_of_peak_deg(rad_to_deg(rep.angle_of_peak_rad));
  p.set_time_to_peak_s(rep.time_to_peak_s);
  p.set_mean_torque_nm(rep.mean_torque_nm);
  p.set_work_j(rep.work_j);
  p.set_average_power_w(rep.average_power_w);
  p.set_duration_s(rep.duration_s);
  p.set_start_angle_deg(rad_to_deg(rep.start_angle_rad));
  p.set_end_angle_deg(rad_to_deg(rep.end_angle_rad));
  for (int k = 0; k < std::min(rep.set_angle_count, spec.set_angle_count); ++k) {
    if (!rep.angle_reached[k]) continue;
    auto* t = p.add_torque_at_angles();
    t->set_angle_deg(setting_deg(spec.set_angles_rad[k]));
    t->set_torque_nm(rep.torque_at_angle_nm[k]);
    t->set_reps(1);
  }
  p.set_completed_at_unix_ms(unix_ms);
  return p;
}

v1::GravityCorrection to_proto(protocols::Side side, const protocols::GravityTable& g) {
  v1::GravityCorrection p;
  p.set_leg(to_proto(side));
  for (int i = 0; i < g.size(); ++i) {
    auto* point = p.add_points();
    point->set_angle_deg(rad_to_deg(g.angle_rad(i)));
    point->set_torque_nm(g.torque_nm(i));
  }
  return p;
}

v1::DynamometerTestReport build_dynamometer_report(const v1::StartDynamometerTestRequest& rx,
                                                   const protocols::DynoTestSpec& spec,
                                                   const DynamometerProgress& progress,
                                                   const std::string& end_reason) {
  v1::DynamometerTestReport report;
  *report.mutable_prescription() = rx;
  for (int i = 0; i < spec.series_count; ++i) *report.add_series() = to_proto(spec.series[i]);
  for (int n = 1; n <= progress.series_begun && n <= spec.series_count; ++n)
    *report.add_results() = series_result(rx, spec, progress, n, end_reason);
  for (int side = 0; side < 2; ++side)
    if (progress.gravity[side])
      *report.add_gravity() = to_proto(static_cast<protocols::Side>(side), *progress.gravity[side]);

  // Bilateral: the first left and the first right series of each kind, both measured.
  std::optional<protocols::Side> involved;
  if (rx.involved_leg() == v1::LEG_LEFT) involved = protocols::Side::kLeft;
  if (rx.involved_leg() == v1::LEG_RIGHT) involved = protocols::Side::kRight;
  std::vector<int> done;  // left series already compared
  for (const auto& left : report.results()) {
    const auto& ls = spec.series[left.series() - 1];
    if (ls.side != protocols::Side::kLeft || !compared(ls.mode) || left.reps_measured() == 0)
      continue;
    bool seen = false;
    for (int d : done) seen = seen || same_kind(spec.series[d - 1], ls);
    if (seen) continue;
    for (const auto& right : report.results()) {
      const auto& rs = spec.series[right.series() - 1];
      if (rs.side != protocols::Side::kRight || !same_kind(ls, rs) || right.reps_measured() == 0)
        continue;
      done.push_back(static_cast<int>(left.series()));
      const auto peak =
          protocols::bilateral_deficit(left.peak_torque_nm(), right.peak_torque_nm(), involved);
      const auto work =
          protocols::bilateral_deficit(left.total_work_j(), right.total_work_j(), involved);
      auto* b = report.add_bilateral();
      b->set_mode(to_proto(ls.mode));
      b->set_speed_deg_s(left.prescription().speed_deg_s());
      b->set_left_peak_torque_nm(left.peak_torque_nm());
      b->set_right_peak_torque_nm(right.peak_torque_nm());
      b->set_deficit_pct(peak.deficit_pct);
      b->set_work_deficit_pct(work.deficit_pct);
      b->set_weaker_leg(to_proto(peak.weaker));
      b->set_formula(involved ? kInvolvedFormula : kDeficitFormula);
      break;
    }
  }
  report.set_end_reason(end_reason);
  return report;
}

}  // namespace tempoload::plugin
