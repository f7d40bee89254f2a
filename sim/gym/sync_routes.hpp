// The gym server's prescription and usage routes (docs/gym-api.md):
//   GET  /api/v1/athletes/{id}/prescription          -> 200 AssignedPrescription | 404
//   PUT  /api/v1/athletes/{id}/prescription          PrescriptionChange (Idempotency-Key)
//        -> 201 the new version | 200 duplicate (same key, same change) | 409 stale base
//        version {"error", "current_version"} or key reused | 400 | 415
//   GET  /api/v1/athletes/{id}/prescription/history  -> 200 {"versions": [...]} oldest first
//   POST /api/v1/usage                               UsageReport (Idempotency-Key = report_id)
//        -> 201 stored | 200 duplicate | 409 key reused with another body | 400 | 415
//   GET  /api/v1/usage                               -> 200 {"usage_reports": [...]}
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/gym/gym_routes.hpp"

namespace tempoload::gym {

// The response when `path` is one of the routes above, nullopt otherwise. May throw StoreError
// (handle_request turns it into a 500).
std::optional<GymResponse> route_sync(ReportStore& store, const GymRequest& request,
                                      const std::string& path, std::int64_t now_unix_ms);

}  // namespace tempoload::gym
