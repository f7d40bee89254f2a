// A dynamometer session's results as the API reports them: reps, gravity corrections, each
// series' metrics (protocols/dyno_metrics.hpp) and the bilateral comparisons, assembled from
// what the control loop measured. Off the control loop.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocols/dyno_metrics.hpp"
#include "protocols/dyno_spec.hpp"
#include "protocols/gravity_table.hpp"
#include "tempoload/v1/dynamometer.pb.h"

namespace tempoload::plugin {

// What a session has measured so far.
struct DynamometerProgress {
  std::vector<protocols::DynoRep> reps;                           // in the order they ended
  std::vector<std::int64_t> rep_unix_ms;                          // when each was received
  std::array<std::optional<protocols::GravityTable>, 2> gravity;  // by Side
  int series_begun = 0;     // series that started (1-based number of the latest)
  int series_finished = 0;  // series that ended normally
};

// `spec` names the set angles of the rep's torque_at_angles.
tempoload::v1::DynamometerRep to_proto(const protocols::DynoRep& rep, std::int64_t unix_ms,
                                       const protocols::DynoTestSpec& spec);
tempoload::v1::GravityCorrection to_proto(protocols::Side side, const protocols::GravityTable& g);

// The report: `prescription` (with defaults) and `spec` describe the session; `end_reason` is
// "" while it runs (the series under way then reads "running").
tempoload::v1::DynamometerTestReport build_dynamometer_report(
    const tempoload::v1::StartDynamometerTestRequest& prescription,
    const protocols::DynoTestSpec& spec, const DynamometerProgress& progress,
    const std::string& end_reason);

}  // namespace tempoload::plugin
