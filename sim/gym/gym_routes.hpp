// The gym server's HTTP API as a pure function: (store, request, clock) -> response. No sockets,
// so every status code is unit-testable.
//
//   POST /api/v1/sessions          SessionReport (protobuf JSON) -> 201 stored | 200 duplicate
//   GET  /api/v1/sessions          -> 200 {"sessions":[summary...]}, oldest first
//   GET  /api/v1/sessions/{id}     -> 200 stored report JSON | 404
//   GET  /healthz                  -> 200 {"status":"ok"}
//   prescriptions and usage reports: sync_routes.hpp
// Errors are {"error": "..."} with 400, 404, 405, 409, 413, 415 or 500.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/gym/report_store.hpp"

namespace tempoload::gym {

inline constexpr std::size_t kMaxReportBytes = 1u << 20;  // larger POST bodies: 413
inline constexpr std::size_t kMaxIdempotencyKeyChars = 128;

struct GymRequest {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // path, optionally with "?query" (ignored)
  std::optional<std::string> content_type;     // Content-Type header
  std::optional<std::string> idempotency_key;  // Idempotency-Key header
  std::string body;
};

struct GymResponse {
  int status = 200;
  std::string body;  // always JSON (Content-Type: application/json)
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Allow, Location)
};

// Never throws: storage failures become 500 {"error": "storage: ..."}.
GymResponse handle_request(ReportStore& store, const GymRequest& request, std::int64_t now_unix_ms);

// {"error": message} with the given status.
GymResponse error_response(int status, const std::string& message);

}  // namespace tempoload::gym
