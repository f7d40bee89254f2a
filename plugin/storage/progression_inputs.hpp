// What the progression model and the programmes read from storage (Coach.GetProgression,
// Coach.GetProgrammeSession): an athlete's latest finished calf-raise session with its last
// set, the pain reported during it and the morning pain around it; and the RM test the loads
// come from. Free functions on a Database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "plugin/storage/sqlite_db.hpp"
#include "protocols/progression.hpp"
#include "tempoload/v1/training.pb.h"

namespace tempoload::plugin {

// A finished calf-raise session (not a dynamometer session, not another protocol's session such
// as an isometric hold or a test, and with at least one set) and its last set.
struct CalfRaiseSession {
  std::string session_id;
  std::string athlete_id;
  std::int64_t started_at_unix_ms = 0;
  int set_index = 0;                            // the last set that has a summary (else the last)
  tempoload::v1::SetPrescription prescription;  // that set's, as it ran (load resolved)
  int reps_counted = 0;                         // that set's summary.reps_counted
  int pain_during = 0;  // highest pain_0_10 reported in the session; 0: none
};

// The athlete's latest (by start) finished calf-raise session, or, with session_id, that session
// when it is one of the athlete's finished calf-raise sessions. nullopt otherwise.
std::optional<CalfRaiseSession> find_calf_raise_session(Database& db, const std::string& athlete_id,
                                                        const std::string& session_id = "");

struct ProgressionInputs {
  CalfRaiseSession session;
  protocols::ProgressionInput input;
  bool require_pain_free = false;                    // the set was eccentric-only (Alfredson)
  std::string day_before, day_after, day_last_week;  // the UTC days the morning scores are of
};

// The model's input from that session: load, reps (target, counted in the last set), the pain
// during it, the morning pain on its UTC day (before), the next day (after) and the day after a
// week earlier (last week); -1 for a morning with no report.
std::optional<ProgressionInputs> progression_inputs(Database& db, const std::string& athlete_id,
                                                    const std::string& session_id = "");

// The athlete's latest RM test on record (Coach.RecordTestResult), with its Epley 1RM: the same
// test and value StartSet's target_rm uses (latest_one_rm_n).
struct RmOnRecord {
  std::string test_id;
  std::int64_t measured_at_unix_ms = 0;
  double load_n = 0;
  int reps = 0;
  double one_rm_n = 0;  // Epley: w (1 + r/30)
};
std::optional<RmOnRecord> latest_rm_test(Database& db, const std::string& athlete_id);

}  // namespace tempoload::plugin
