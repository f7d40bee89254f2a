#include "plugin/session/protocol_results.hpp"

#include <vector>

#include "plugin/session/proto_conversion.hpp"
#include "protocols/rep_metrics.hpp"
#include "protocols/rm_estimate.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;

const char* const kRfdOnsetMethod =
    "onset: the first sample above the relaxed baseline (mean and SD of the first 0.5 s of the "
    "ready period) by 5 SD or 10 N, whichever is larger; RFD over 0-50, 0-100 and 0-200 ms = "
    "(F(onset + W) - F(onset)) / W on the 1 kHz samples";

v1::Symmetry to_proto(const protocols::SymmetryMeasure& m) {
  v1::Symmetry s;
  s.set_value_pct(m.value_pct);
  s.set_metric(m.metric);
  s.set_formula(m.formula);
  return s;
}

v1::SetSummary set_summary(std::span<const protocols::RepMetrics> reps,
                           const std::string& end_reason, v1::Leg involved) {
  v1::SetSummary r = to_proto(protocols::summarize(reps), end_reason);
  std::vector<protocols::RepMetrics> counted;
  for (const auto& rep : reps)
    if (rep.counted()) counted.push_back(rep);
  std::optional<protocols::Side> side;
  if (involved == v1::LEG_LEFT) side = protocols::Side::kLeft;
  if (involved == v1::LEG_RIGHT) side = protocols::Side::kRight;
  const protocols::SetMeasures m = protocols::set_measures(counted, side);
  r.set_impulse_left_ns(m.impulse_left_ns);
  r.set_impulse_right_ns(m.impulse_right_ns);
  r.set_work_left_j(m.work_left_j);
  r.set_work_right_j(m.work_right_j);
  *r.mutable_si_mean_force() = to_proto(m.si_mean_force);
  *r.mutable_si_work() = to_proto(m.si_work);
  if (m.lsi_mean_force) *r.mutable_lsi_mean_force() = to_proto(*m.lsi_mean_force);
  if (m.lsi_work) *r.mutable_lsi_work() = to_proto(*m.lsi_work);
  r.set_has_fatigue(m.fatigue_pct.has_value());
  r.set_fatigue_pct(m.fatigue_pct.value_or(0));
  r.set_cv_work_pct(m.cv_work_pct);
  r.set_cv_peak_force_pct(m.cv_peak_force_pct);
  return r;
}

v1::HoldResult to_proto(const protocols::HoldResult& h) {
  v1::HoldResult r;
  r.set_index(static_cast<std::uint32_t>(h.index));
  r.set_started(h.started);
  r.set_counted(h.counted);
  r.set_time_in_band_s(h.time_in_band_s);
  r.set_time_above_s(h.time_above_s);
  r.set_time_below_s(h.time_below_s);
  r.set_in_band_fraction(h.in_band_fraction);
  r.set_mean_force_n(h.mean_force_n);
  r.set_peak_force_n(h.peak_force_n);
  return r;
}

v1::MvicEffortResult to_proto(const protocols::MvicEffort& e) {
  v1::MvicEffortResult r;
  r.set_index(static_cast<std::uint32_t>(e.index));
  r.set_best_window_mean_n(e.best_window_mean_n);
  r.set_peak_n(e.peak_n);
  r.set_rfd_valid(e.rfd_valid);
  r.set_rfd_0_50_nps(e.rfd_nps[0]);
  r.set_rfd_0_100_nps(e.rfd_nps[1]);
  r.set_rfd_0_200_nps(e.rfd_nps[2]);
  return r;
}

v1::Leg to_proto_leg(protocols::Legs legs) {
  switch (legs) {
    case protocols::Legs::kLeft:
      return v1::LEG_LEFT;
    case protocols::Legs::kRight:
      return v1::LEG_RIGHT;
    case protocols::Legs::kBoth:
      break;
  }
  return v1::LEG_UNSPECIFIED;
}

protocols::Legs to_legs(v1::Leg leg) {
  if (leg == v1::LEG_LEFT) return protocols::Legs::kLeft;
  if (leg == v1::LEG_RIGHT) return protocols::Legs::kRight;
  return protocols::Legs::kBoth;
}

v1::HeelRiseLegResult to_proto(protocols::Legs leg, const protocols::HeelRiseResult& r,
                               const protocols::HeelRiseEnding& ending) {
  v1::HeelRiseLegResult out;
  out.set_leg(to_proto_leg(leg));
  out.set_reps(static_cast<std::uint32_t>(r.reps));
  out.set_total_height_m(r.total_height_m);
  out.set_mean_height_m(r.mean_height_m);
  out.set_total_work_j(r.total_work_j);
  out.set_total_work_mgh_j(r.total_work_mgh_j);
  out.set_ended_by(ending.end == protocols::HeelRiseEnd::kNone ? "stopped"
                                                               : protocols::describe(ending));
  return out;
}

void add_heel_rise_symmetry(v1::HeelRiseTestReport& report) {
  if (report.legs_size() < 2) return;
  auto as_result = [](const v1::HeelRiseLegResult& l) {
    protocols::HeelRiseResult r;
    r.reps = static_cast<int>(l.reps());
    r.total_height_m = l.total_height_m();
    r.total_work_j = l.total_work_j();
    return r;
  };
  const auto sym =
      protocols::heel_rise_symmetry(as_result(report.legs(0)), as_result(report.legs(1)));
  *report.mutable_lsi_reps() = to_proto(sym.by_reps);
  *report.mutable_lsi_height() = to_proto(sym.by_height);
  *report.mutable_lsi_work() = to_proto(sym.by_work);
}

void fill_rm_answer(v1::RmTestReport& report, const protocols::RmTestResult& r) {
  report.set_found(r.found);
  report.set_load_n(r.load_n);
  report.set_how(r.how());
  // Epley applied literally (the test's own arithmetic), also beyond its 10-rep validity.
  if (r.load_n > 0 && r.target_rm > 0)
    report.set_one_rm_epley_n(r.load_n * (1 + r.target_rm / 30.0));
}

}  // namespace tempoload::plugin
