// RM and MVIC test results (schema v4, table test_results) and the 1RM estimates of an RM test
// (PROTOCOLS.md section 5). Dynamometer tests stored on this machine count as MVIC peak torque
// results (per leg, the highest rep peak of the session).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plugin/storage/sqlite_db.hpp"
#include "tempoload/v1/coach.pb.h"

namespace tempoload::plugin {

// Epley w(1 + r/30), Brzycki w 36/(37 - r), Lombardi w r^0.10 [N]; reps 1..36.
std::vector<tempoload::v1::OneRmEstimate> one_rm_estimates(double load_n, std::uint32_t reps);

// SI = (R - L) / (0.5 (R + L)) x 100 [%] (Robinson 1987); 0 when both are 0.
double symmetry_index_pct(double left, double right);

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
