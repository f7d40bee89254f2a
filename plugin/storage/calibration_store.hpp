// The machine's calibration history (schema v4, table calibration): each change stores the
// whole calibration after it, with who and when; the newest row is in force.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "plugin/storage/sqlite_db.hpp"
#include "tempoload/v1/operator.pb.h"

namespace tempoload::plugin {

// `action`: zero_load_cells | range_limits | clear_range_limits. Throws StoreError.
void save_calibration(Database& db, const tempoload::v1::Calibration& calibration,
                      const std::string& action, const std::string& actor, std::int64_t at_unix_ms);
// The calibration in force (zeroed_* and range_set_* from the newest row of each kind);
// nullopt when the machine was never calibrated.
std::optional<tempoload::v1::Calibration> load_calibration(Database& db);

}  // namespace tempoload::plugin
