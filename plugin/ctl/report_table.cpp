#include "plugin/ctl/report_table.hpp"

#include <cstdio>
#include <string>

namespace tempoload::ctl {
namespace v1 = tempoload::v1;
namespace {

std::string verdict_text(v1::RepVerdict v) {
  switch (v) {
    case v1::REP_VERDICT_COUNTED: return "counted";
    case v1::REP_VERDICT_TOO_FAST: return "TOO FAST";
    case v1::REP_VERDICT_TOO_SLOW: return "TOO SLOW";
    case v1::REP_VERDICT_PARTIAL_RANGE: return "PARTIAL";
    default: return "?";
  }
}

std::string line(const char* fmt, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

}  // namespace

void print_rep_header(std::ostream& out) {
  out << "  rep  verdict    up s  top s  down s  range cm  peak L N  peak R N  mean L N  mean R N"
         "   SI %  cue\n";
  out << "  ---  --------  -----  -----  ------  --------  --------  --------  --------  --------"
         "  -----  ---\n";
}

void print_rep_row(std::ostream& out, const v1::RepResult& r) {
  out << line("  %3u  %-8s  %5.2f  %5.2f  %6.2f  %8.1f  %8.0f  %8.0f  %8.0f  %8.0f  %+5.1f  ",
              r.index(), verdict_text(r.verdict()).c_str(), r.concentric_s(), r.top_pause_s(),
              r.eccentric_s(), r.range_m() * 100, r.peak_force_left_n(), r.peak_force_right_n(),
              r.mean_force_left_n(), r.mean_force_right_n(), r.symmetry_index_pct())
      << r.cue() << "\n";
}

void print_summary(std::ostream& out, const v1::SetReport& set) {
  const auto& s = set.summary();
  out << line("set %u: %u of %u reps counted (target %u), ended: ", set.set_index(),
              s.reps_counted(), s.reps_attempted(), set.prescription().reps())
      << s.end_reason() << "\n";
  out << line("  mean lowering %.2f s (window %.1f-%.1f s), mean lifting %.2f s, "
              "time under tension %.1f s\n",
              s.mean_eccentric_s(), set.prescription().tempo().eccentric_min_s(),
              set.prescription().tempo().eccentric_max_s(), s.mean_concentric_s(),
              s.time_under_tension_s());
  out << line("  peak force L %.0f N / R %.0f N, mean force L %.0f N / R %.0f N\n",
              s.peak_force_left_n(), s.peak_force_right_n(), s.mean_force_left_n(),
              s.mean_force_right_n());
  out << line("  symmetry SI = (R - L) / (0.5 (R + L)) x 100 on mean force: %+.1f %% (%s)\n",
              s.symmetry_index_pct(),
              s.symmetry_index_pct() > 0 ? "right leg pushes more" : "left leg pushes more");
}

void print_set(std::ostream& out, const v1::SetReport& set) {
  print_rep_header(out);
  for (const auto& r : set.reps()) print_rep_row(out, r);
  out << "\n";
  print_summary(out, set);
}

}  // namespace tempoload::ctl
