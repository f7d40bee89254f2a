#include "plugin/session/session_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

std::string fmt(const char* format, double a, double b = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, format, a, b);
  return buf;
}

std::string reps_word(unsigned n) { return n == 1 ? "1 rep" : std::to_string(n) + " reps"; }

}  // namespace

v1::SessionSummary summarize_session(const v1::SessionReport& report,
                                     const std::vector<PainReport>& pain) {
  v1::SessionSummary s;
  s.set_session_id(report.session_id());
  s.set_athlete_id(report.athlete_id());
  if (report.ended_at_unix_ms() > report.started_at_unix_ms())
    s.set_duration_s((report.ended_at_unix_ms() - report.started_at_unix_ms()) / 1000.0);

  double ecc_sum_s = 0;
  double mean_left = 0, mean_right = 0;
  double ecc_min_s = 0, ecc_max_s = 0, max_pause_s = 0;
  std::uint32_t pain_limit = kDefaultPainLimit;
  std::string end_reason;
  for (const auto& set : report.sets()) {
    ecc_min_s = set.prescription().tempo().eccentric_min_s();
    ecc_max_s = set.prescription().tempo().eccentric_max_s();
    max_pause_s = set.prescription().tempo().max_pause_s();
    if (set.prescription().pain_limit_0_10() > 0) pain_limit = set.prescription().pain_limit_0_10();
    for (const auto& rep : set.reps()) {
      s.set_reps_attempted(s.reps_attempted() + 1);
      switch (rep.verdict()) {
        case v1::REP_VERDICT_COUNTED:
          s.set_reps_counted(s.reps_counted() + 1);
          s.set_time_under_tension_s(s.time_under_tension_s() + rep.time_under_tension_s());
          ecc_sum_s += rep.eccentric_s();
          mean_left += rep.mean_force_left_n();
          mean_right += rep.mean_force_right_n();
          break;
        case v1::REP_VERDICT_TOO_FAST:
          s.set_reps_too_fast(s.reps_too_fast() + 1);
          break;
        case v1::REP_VERDICT_TOO_SLOW:
          s.set_reps_too_slow(s.reps_too_slow() + 1);
          break;
        case v1::REP_VERDICT_PARTIAL_RANGE:
          s.set_reps_partial_range(s.reps_partial_range() + 1);
          break;
        case v1::REP_VERDICT_PAUSED_TOO_LONG:
          s.set_reps_paused_too_long(s.reps_paused_too_long() + 1);
          break;
        default:
          break;
      }
    }
    if (set.has_summary()) end_reason = set.summary().end_reason();
  }
  if (s.reps_counted() > 0) {
    s.set_mean_eccentric_s(ecc_sum_s / s.reps_counted());
    mean_left /= s.reps_counted();
    mean_right /= s.reps_counted();
    if (mean_left + mean_right > 0)
      s.set_symmetry_index_pct((mean_right - mean_left) / (0.5 * (mean_right + mean_left)) * 100);
  }
  s.set_end_reason(report.dynamometer_test().ByteSizeLong() > 0 && end_reason.empty()
                       ? "dynamometer test"
                       : end_reason);

  for (const auto& p : pain) {
    s.set_pain_reports(s.pain_reports() + 1);
    s.set_max_pain_0_10(std::max<std::uint32_t>(s.max_pain_0_10(), p.pain_0_10));
  }

  // What to work on: one note per kind of miss, then balance and pain.
  if (s.reps_too_fast() > 0)
    s.add_notes("lower slower: " + reps_word(s.reps_too_fast()) + fmt(" under %.1f s", ecc_min_s));
  if (s.reps_too_slow() > 0)
    s.add_notes("lower a little faster: " + reps_word(s.reps_too_slow()) +
                fmt(" over %.1f s", ecc_max_s));
  if (s.reps_partial_range() > 0)
    s.add_notes("use the full range: " + reps_word(s.reps_partial_range()) +
                " stopped short of it");
  if (s.reps_paused_too_long() > 0)
    s.add_notes("keep moving: " + reps_word(s.reps_paused_too_long()) + " paused" +
                (max_pause_s > 0 ? fmt(" over %.1f s", max_pause_s) : " too long"));
  if (s.reps_counted() > 0 && std::abs(s.symmetry_index_pct()) > kNotableAsymmetryPct)
    s.add_notes(
        std::string("balance: the ") + (s.symmetry_index_pct() > 0 ? "right" : "left") +
        " leg pushed " +
        fmt("%.0f%% more (SI %+.1f%%)", std::abs(s.symmetry_index_pct()), s.symmetry_index_pct()));
  const std::string limit = std::to_string(pain_limit);
  if (s.max_pain_0_10() > pain_limit)
    s.add_notes("pain " + std::to_string(s.max_pain_0_10()) + "/10 is above " + limit +
                ": tell your coach before the next session");
  else if (s.pain_reports() > 0)
    s.add_notes("pain " + std::to_string(s.max_pain_0_10()) + "/10 is acceptable (" + limit +
                " or less); note how it feels tomorrow morning");
  return s;
}

}  // namespace tempoload::plugin
