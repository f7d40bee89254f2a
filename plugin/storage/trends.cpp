#include "plugin/storage/trends.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "tempoload/v1/training.pb.h"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

constexpr std::int64_t kDay = 86'400'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b) < 0 ? 1 : 0); }

struct Week {
  std::set<std::string> sessions;
  std::uint32_t counted = 0, attempted = 0;
  double sum_mean_l = 0, sum_mean_r = 0, peak_l = 0, peak_r = 0, sum_si = 0, sum_load = 0,
         max_load = 0, tut_s = 0;
};

}  // namespace

std::int64_t iso_week_start(std::int64_t unix_ms) {
  const std::int64_t day = floor_div(unix_ms, kDay);
  // 1970-01-01 was a Thursday: Monday-based weekday = (day + 3) mod 7.
  return (day - ((day + 3) % 7 + 7) % 7) * kDay;
}

std::string iso_week_label(std::int64_t week_start) {
  // The ISO year and week are those of the week's Thursday.
  const std::time_t thursday = static_cast<std::time_t>((week_start + 3 * kDay) / 1000);
  std::tm tm{};
  gmtime_r(&thursday, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-W%02d", tm.tm_year + 1900, tm.tm_yday / 7 + 1);
  return buf;
}

v1::Trends weekly_trends(Database& db, const std::string& athlete_id, std::int64_t from,
                         std::int64_t to) {
  auto s = db.prepare(
      "SELECT s.session_id, s.started_at_unix_ms, st.prescription, r.result FROM sessions s "
      "JOIN sets st ON st.session_id = s.session_id LEFT JOIN reps r ON r.session_id = "
      "st.session_id AND r.set_index = st.set_index WHERE s.athlete_id = ? AND "
      "s.started_at_unix_ms >= ? AND s.started_at_unix_ms < ? ORDER BY s.started_at_unix_ms");
  s.bind(1, athlete_id).bind(2, from).bind(3, to);
  std::map<std::int64_t, Week> weeks;
  while (s.step()) {
    Week& w = weeks[iso_week_start(s.int64(1))];
    w.sessions.insert(s.text(0));
    v1::SetPrescription p;
    p.ParseFromString(s.blob(2));
    w.max_load = std::max(w.max_load, p.load_n());
    if (s.is_null(3)) continue;
    v1::RepResult rep;
    rep.ParseFromString(s.blob(3));
    ++w.attempted;
    if (!rep.counted()) continue;
    ++w.counted;
    w.sum_mean_l += rep.mean_force_left_n();
    w.sum_mean_r += rep.mean_force_right_n();
    w.peak_l = std::max(w.peak_l, rep.peak_force_left_n());
    w.peak_r = std::max(w.peak_r, rep.peak_force_right_n());
    w.sum_si += rep.symmetry_index_pct();
    w.sum_load += p.load_n();
    w.tut_s += rep.time_under_tension_s();
  }
  v1::Trends out;
  out.set_athlete_id(athlete_id);
  for (const auto& [start, w] : weeks) {
    auto* t = out.add_weeks();
    t->set_iso_week(iso_week_label(start));
    t->set_week_start_unix_ms(start);
    t->set_sessions(static_cast<std::uint32_t>(w.sessions.size()));
    t->set_reps_counted(w.counted);
    t->set_reps_attempted(w.attempted);
    const double n = w.counted == 0 ? 1 : w.counted;
    t->set_mean_force_left_n(w.sum_mean_l / n);
    t->set_mean_force_right_n(w.sum_mean_r / n);
    t->set_peak_force_left_n(w.peak_l);
    t->set_peak_force_right_n(w.peak_r);
    t->set_mean_symmetry_index_pct(w.sum_si / n);
    t->set_mean_load_n(w.sum_load / n);
    t->set_max_load_n(w.max_load);
    t->set_time_under_tension_s(w.tut_s);
  }
  return out;
}

}  // namespace tempoload::plugin
