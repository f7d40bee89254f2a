#include "plugin/storage/test_results.hpp"

#include <algorithm>
#include <cmath>

#include "plugin/storage/progression_inputs.hpp"
#include "protocols/rep_metrics.hpp"
#include "protocols/rm_estimate.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;

std::vector<v1::OneRmEstimate> one_rm_estimates(double w, std::uint32_t reps) {
  std::vector<v1::OneRmEstimate> out;
  for (auto f : {protocols::RmFormula::kEpley, protocols::RmFormula::kBrzycki,
                 protocols::RmFormula::kLombardi}) {
    const auto r = protocols::estimate_1rm(w, static_cast<int>(reps), f, kRmTestMaxReps);
    if (!r.valid) continue;
    auto& e = out.emplace_back();
    e.set_formula(r.formula_text);
    e.set_one_rm_n(r.load_n);
  }
  return out;
}

std::optional<double> latest_one_rm_n(Database& db, const std::string& athlete_id) {
  const auto rm = latest_rm_test(db, athlete_id);  // progression_inputs.hpp
  if (!rm) return std::nullopt;
  return rm->one_rm_n;
}

std::optional<double> latest_mvic_n(Database& db, const std::string& athlete_id, int side) {
  auto s = db.prepare(
      "SELECT result FROM test_results WHERE athlete_id = ? AND kind = 'mvic' ORDER BY "
      "measured_at_unix_ms DESC");
  s.bind(1, athlete_id);
  while (s.step()) {
    v1::TestResult r;
    if (!r.ParseFromString(s.blob(0)) || !r.has_mvic()) continue;
    const double n = side == 0 ? r.mvic().peak_force_left_n() : r.mvic().peak_force_right_n();
    if (n > 0) return n;
  }
  return std::nullopt;
}

void save_test_result(Database& db, const v1::TestResult& r, std::int64_t now) {
  db.transaction([&] {
    db.prepare("INSERT OR IGNORE INTO athletes(athlete_id, first_seen_unix_ms) VALUES (?, ?)")
        .bind(1, r.athlete_id())
        .bind(2, now)
        .run();
    db.prepare(
          "INSERT INTO test_results(id, athlete_id, kind, measured_at_unix_ms, recorded_by, "
          "recorded_at_unix_ms, result) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(1, r.id())
        .bind(2, r.athlete_id())
        .bind(3, std::string_view(r.has_rm() ? "rm" : "mvic"))
        .bind(4, r.measured_at_unix_ms())
        .bind(5, r.recorded_by())
        .bind(6, now)
        .bind_blob(7, r.SerializeAsString())
        .run();
  });
}

std::vector<v1::TestResult> list_test_results(Database& db, const std::string& athlete_id,
                                              std::int64_t from, std::int64_t to) {
  if (to == 0) to = INT64_MAX;
  std::vector<v1::TestResult> out;
  auto s = db.prepare(
      "SELECT result FROM test_results WHERE athlete_id = ? AND measured_at_unix_ms >= ? AND "
      "measured_at_unix_ms < ?");
  s.bind(1, athlete_id).bind(2, from).bind(3, to);
  while (s.step()) out.emplace_back().ParseFromString(s.blob(0));

  // Dynamometer sessions: per leg, the highest peak torque of any series.
  auto d = db.prepare(
      "SELECT s.session_id, s.started_at_unix_ms, d.results FROM dynamometer_tests d JOIN "
      "sessions s ON s.session_id = d.session_id WHERE s.athlete_id = ? AND "
      "s.started_at_unix_ms >= ? AND s.started_at_unix_ms < ? AND d.results IS NOT NULL");
  d.bind(1, athlete_id).bind(2, from).bind(3, to);
  while (d.step()) {
    v1::DynamometerTestReport report;
    report.ParseFromString(d.blob(2));
    double left = 0, right = 0;
    for (const auto& series : report.results()) {
      const double peak = series.peak_torque_nm();
      if (series.prescription().leg() == v1::LEG_LEFT) left = std::max(left, peak);
      if (series.prescription().leg() == v1::LEG_RIGHT) right = std::max(right, peak);
    }
    if (left == 0 && right == 0) continue;
    v1::TestResult r;
    r.set_id("dyn-" + d.text(0));
    r.set_athlete_id(athlete_id);
    r.set_measured_at_unix_ms(d.int64(1));
    r.set_recorded_by("dynamometer");
    r.set_session_id(d.text(0));
    r.mutable_mvic()->set_peak_torque_left_nm(left);
    r.mutable_mvic()->set_peak_torque_right_nm(right);
    r.set_symmetry_index_pct(protocols::symmetry_index_pct(left, right));
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const v1::TestResult& a, const v1::TestResult& b) {
    return a.measured_at_unix_ms() != b.measured_at_unix_ms()
               ? a.measured_at_unix_ms() > b.measured_at_unix_ms()
               : a.id() > b.id();
  });
  return out;
}

}  // namespace tempoload::plugin
