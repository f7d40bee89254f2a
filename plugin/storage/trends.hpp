// An athlete's calf-raise training per ISO week (Monday 00:00 UTC), from the stored sets and
// reps: sessions, reps, mean and peak force per leg, mean symmetry index, prescribed load.
#pragma once

#include <cstdint>
#include <string>

#include "plugin/storage/sqlite_db.hpp"
#include "tempoload/v1/coach.pb.h"

namespace tempoload::plugin {

// The ISO week containing unix_ms: its Monday 00:00 UTC [unix ms] and label ("2026-W47").
std::int64_t iso_week_start(std::int64_t unix_ms);
std::string iso_week_label(std::int64_t week_start_unix_ms);

// Sessions started in [from, to), grouped by ISO week, oldest first; weeks without sessions
// are left out. Forces, symmetry and load are over counted reps.
tempoload::v1::Trends weekly_trends(Database& db, const std::string& athlete_id,
                                    std::int64_t from_unix_ms, std::int64_t to_unix_ms);

}  // namespace tempoload::plugin
