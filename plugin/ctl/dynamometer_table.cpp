#include "plugin/ctl/dynamometer_table.hpp"

#include <cstdio>
#include <string>

namespace tempoload::ctl {
namespace v1 = tempoload::v1;
namespace {

std::string line(const char* fmt, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

const char* leg(v1::Leg l) {
  return l == v1::LEG_RIGHT ? "right" : l == v1::LEG_LEFT ? "left" : "?";
}

const char* mode(v1::DynamometerMode m) {
  switch (m) {
    case v1::DYNAMOMETER_MODE_ISOKINETIC_CONCENTRIC:
      return "concentric";
    case v1::DYNAMOMETER_MODE_ISOKINETIC_ECCENTRIC:
      return "eccentric";
    case v1::DYNAMOMETER_MODE_ISOMETRIC:
      return "isometric";
    case v1::DYNAMOMETER_MODE_ISOTONIC:
      return "isotonic";
    case v1::DYNAMOMETER_MODE_GRAVITY_CORRECTION:
      return "gravity";
    default:
      return "?";
  }
}

// The series' setting: its speed, torque or hold angle.
std::string setting(const v1::DynamometerSeries& s) {
  switch (s.mode()) {
    case v1::DYNAMOMETER_MODE_ISOKINETIC_CONCENTRIC:
    case v1::DYNAMOMETER_MODE_ISOKINETIC_ECCENTRIC:
      return line("%.1f deg/s", s.speed_deg_s());
    case v1::DYNAMOMETER_MODE_ISOMETRIC:
      return line("%.0f deg %.0f s", s.hold_angle_deg(), s.hold_s());
    case v1::DYNAMOMETER_MODE_ISOTONIC:
      return line("%.0f N m", s.torque_nm());
    case v1::DYNAMOMETER_MODE_GRAVITY_CORRECTION:
      return line("%u points", s.gravity_points());
    default:
      return "";
  }
}

}  // namespace

void print_dynamometer_rep_header(std::ostream& out) {
  out << "  ser  leg    mode         setting       rep  peak N m   at deg   work J  power W"
         "  time s  mean N m  complete\n";
  out << "  ---  -----  -----------  ------------  ---  --------  -------  -------  -------"
         "  ------  --------  --------\n";
}

void print_dynamometer_rep(std::ostream& out, const v1::DynamometerRep& r) {
  v1::DynamometerSeries s;
  s.set_mode(r.mode());
  s.set_speed_deg_s(r.set_speed_deg_s());
  const std::string set = r.set_speed_deg_s() > 0 ? setting(s) : "";
  out << line("  %3u  %-5s  %-11s  %-12s  %3u  %8.1f  %7.1f  %7.1f  %7.1f  %6.2f  %8.1f  %s\n",
              r.series(), leg(r.leg()), mode(r.mode()), set.c_str(), r.index(), r.peak_torque_nm(),
              r.angle_of_peak_deg(), r.work_j(), r.average_power_w(), r.duration_s(),
              r.mean_torque_nm(), r.complete() ? "yes" : "NO");
}

void print_gravity(std::ostream& out, const v1::GravityCorrection& g) {
  out << "  gravity correction, " << leg(g.leg()) << " leg (footplate at rest, subtracted):";
  for (const auto& p : g.points())
    out << line(" %+.1f deg %+.2f N m;", p.angle_deg(), p.torque_nm());
  out << "\n";
}

void print_dynamometer_results(std::ostream& out, const v1::DynamometerTestReport& r) {
  const double mass = r.prescription().body_mass_kg();
  out << line("results (athlete %s, %.1f kg); torques gravity corrected where measured\n",
              r.prescription().athlete_id().c_str(), mass);
  out << "  ser  leg    mode         setting       reps  peak N m  at deg  N m/kg   work J"
         "  power W   CV %  fatigue %  ended\n";
  out << "  ---  -----  -----------  ------------  ----  --------  ------  ------  -------"
         "  -------  -----  ---------  -----\n";
  for (const auto& s : r.results()) {
    const auto& p = s.prescription();
    if (p.mode() == v1::DYNAMOMETER_MODE_GRAVITY_CORRECTION) continue;
    const std::string fatigue = s.has_fatigue_pct() ? line("%9.1f", s.fatigue_pct()) : "        -";
    out << line(
        "  %3u  %-5s  %-11s  %-12s  %2u/%-2u %8.1f  %6.1f  %6.2f  %7.1f  %7.1f  %5.1f  %s  %s\n",
        s.series(), leg(p.leg()), mode(p.mode()), setting(p).c_str(), s.reps_measured(),
        s.reps_attempted(), s.peak_torque_nm(), s.angle_of_peak_deg(), s.peak_torque_per_kg(),
        s.total_work_j(), s.average_power_w(), s.cv_peak_torque_pct(), fatigue.c_str(),
        s.end_reason().c_str());
  }
  bool any_angle = false;
  for (const auto& s : r.results()) any_angle = any_angle || s.torque_at_angles_size() > 0;
  if (any_angle) {
    out << "torque at set angles (mean of the reps that reached each angle):\n";
    for (const auto& s : r.results()) {
      if (s.torque_at_angles_size() == 0) continue;
      out << line("  series %u:", s.series());
      for (const auto& t : s.torque_at_angles())
        out << line("  %+.0f deg %.1f N m (%u reps);", t.angle_deg(), t.torque_nm(), t.reps());
      out << "\n";
    }
  }
  for (const auto& g : r.gravity()) print_gravity(out, g);
  if (r.bilateral_size() > 0) out << "bilateral deficit:\n";
  for (const auto& b : r.bilateral())
    out << line(
        "  %s %.1f deg/s: left %.1f N m, right %.1f N m: deficit %.1f %% (%s leg weaker), "
        "work deficit %.1f %%; deficit = %s\n",
        mode(b.mode()), b.speed_deg_s(), b.left_peak_torque_nm(), b.right_peak_torque_nm(),
        b.deficit_pct(), leg(b.weaker_leg()), b.work_deficit_pct(), b.formula().c_str());
  out << "formulas: work = area under torque-angle (trapezoid); power = work / effort time; "
         "CV = SD / mean x 100 of rep peaks;\n          fatigue = (W first third - W last third)"
         " / W first third x 100; N m/kg = peak / body mass\n";
  out << "session ended: " << r.end_reason() << "\n";
}

}  // namespace tempoload::ctl
