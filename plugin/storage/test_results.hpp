// RM and MVIC test results (schema v4, table test_results) and the 1RM estimates of an RM test
// (PROTOCOLS.md section 5). Dynamometer tests stored on this machine count as MVIC peak torque
// results (per leg, the highest rep peak of the session).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plugin/storage/sqlite_db.hpp"
#include "tempoload/v1/coach.pb.h"

namespace tempoload::plugin {

// Reps to failure an RM test may have for its estimates (RecordTestResult's bound).
inline constexpr int kRmTestMaxReps = 12;

// Epley, Brzycki and Lombardi 1RM estimates (protocols/rm_estimate.hpp; the formula is named in
// each) for a set to failure of `reps` (1..kRmTestMaxReps) at load_n [N].
std::vector<tempoload::v1::OneRmEstimate> one_rm_estimates(double load_n, std::uint32_t reps);

// The athlete's latest RM test's Epley 1RM estimate [N], or nullopt when none is on record.
std::optional<double> latest_one_rm_n(Database& db, const std::string& athlete_id);

// The athlete's latest MVIC plate force [N] of the left (side 0) or right (side 1) leg, from MVIC
// tests recorded or run on the machine; nullopt when none is on record.
std::optional<double> latest_mvic_n(Database& db, const std::string& athlete_id, int side);

// Stores the result (its id, athlete, measured time and recorded_by filled in) and makes the
// athlete known. One transaction; throws StoreError.
void save_test_result(Database& db, const tempoload::v1::TestResult& result,
                      std::int64_t recorded_at_unix_ms);

// Newest first, recorded and dynamometer results, measured in [from, to) (0 = no bound).
std::vector<tempoload::v1::TestResult> list_test_results(Database& db,
                                                         const std::string& athlete_id,
                                                         std::int64_t from_unix_ms,
                                                         std::int64_t to_unix_ms);

}  // namespace tempoload::plugin
