#include "plugin/storage/progression_inputs.hpp"

#include "plugin/storage/morning_pain.hpp"
#include "plugin/storage/test_results.hpp"
#include "protocols/rm_estimate.hpp"
#include "tempoload/v1/coach.pb.h"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

constexpr std::int64_t kDay = 86'400'000;

double morning(Database& db, const std::string& athlete_id, const std::string& day) {
  const auto row = morning_pain_on(db, athlete_id, day);
  return row ? row->pain_0_10 : -1.0;
}

}  // namespace

std::optional<CalfRaiseSession> find_calf_raise_session(Database& db, const std::string& athlete_id,
                                                        const std::string& session_id) {
  auto s = db.prepare(
      "SELECT s.session_id, s.started_at_unix_ms, COALESCE((SELECT MAX(p.pain_0_10) FROM "
      "pain_reports p WHERE p.session_id = s.session_id), 0) FROM sessions s WHERE "
      "s.athlete_id = ?1 AND s.status = 'finished' AND (?2 = '' OR s.session_id = ?2) AND "
      "EXISTS(SELECT 1 FROM sets st WHERE st.session_id = s.session_id) AND "
      "NOT EXISTS(SELECT 1 FROM dynamometer_tests d WHERE d.session_id = s.session_id) AND "
      "NOT EXISTS(SELECT 1 FROM protocol_results r WHERE r.session_id = s.session_id) "
      "ORDER BY s.started_at_unix_ms DESC, s.session_id DESC LIMIT 1");
  s.bind(1, athlete_id).bind(2, session_id);
  if (!s.step()) return std::nullopt;
  CalfRaiseSession out;
  out.session_id = s.text(0);
  out.athlete_id = athlete_id;
  out.started_at_unix_ms = s.int64(1);
  out.pain_during = static_cast<int>(s.int64(2));

  // The last set that ran to its summary; a set begun but never summarised only when no other.
  auto set = db.prepare(
      "SELECT st.set_index, st.prescription, st.summary, (SELECT COUNT(*) FROM reps r WHERE "
      "r.session_id = st.session_id AND r.set_index = st.set_index AND r.counted) FROM sets st "
      "WHERE st.session_id = ? ORDER BY st.summary IS NOT NULL DESC, st.set_index DESC LIMIT 1");
  set.bind(1, out.session_id);
  if (!set.step()) return std::nullopt;
  out.set_index = static_cast<int>(set.int64(0));
  out.prescription.ParseFromString(set.blob(1));
  if (!set.is_null(2)) {
    v1::SetSummary summary;
    summary.ParseFromString(set.blob(2));
    out.reps_counted = static_cast<int>(summary.reps_counted());
  } else {
    out.reps_counted = static_cast<int>(set.int64(3));
  }
  return out;
}

std::optional<ProgressionInputs> progression_inputs(Database& db, const std::string& athlete_id,
                                                    const std::string& session_id) {
  auto session = find_calf_raise_session(db, athlete_id, session_id);
  if (!session) return std::nullopt;
  ProgressionInputs out;
  out.session = std::move(*session);
  const auto& s = out.session;
  const std::int64_t t = s.started_at_unix_ms;
  out.day_before = utc_day(t);
  out.day_after = utc_day(t + kDay);
  out.day_last_week = utc_day(t + kDay - 7 * kDay);
  auto& in = out.input;
  in.load_n = s.prescription.load_n();
  in.target_reps = static_cast<int>(s.prescription.reps());
  in.reps_done = s.reps_counted;
  in.pain_during = s.pain_during;
  in.morning_pain_before = morning(db, athlete_id, out.day_before);
  in.morning_pain_after = morning(db, athlete_id, out.day_after);
  in.morning_pain_last_week = morning(db, athlete_id, out.day_last_week);
  out.require_pain_free = s.prescription.eccentric_only();
  return out;
}

std::optional<RmOnRecord> latest_rm_test(Database& db, const std::string& athlete_id) {
  // Also the source of latest_one_rm_n (test_results.cpp).
  auto s = db.prepare(
      "SELECT result FROM test_results WHERE athlete_id = ? AND kind = 'rm' ORDER BY "
      "measured_at_unix_ms DESC LIMIT 1");
  s.bind(1, athlete_id);
  if (!s.step()) return std::nullopt;
  v1::TestResult r;
  if (!r.ParseFromString(s.blob(0)) || !r.has_rm()) return std::nullopt;
  const auto epley = protocols::estimate_1rm(r.rm().load_n(), static_cast<int>(r.rm().reps()),
                                             protocols::RmFormula::kEpley, kRmTestMaxReps);
  if (!epley.valid) return std::nullopt;
  return RmOnRecord{r.id(), r.measured_at_unix_ms(), r.rm().load_n(),
                    static_cast<int>(r.rm().reps()), epley.load_n};
}

}  // namespace tempoload::plugin
