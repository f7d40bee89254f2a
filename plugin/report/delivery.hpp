// One outbox entry as an HTTP request to the gym server, and what its answer means. Pure
// functions, so every classification is unit-testable (docs/gym-api.md).
#pragma once

#include <optional>
#include <string>

#include "plugin/http/http_client.hpp"
#include "plugin/storage/outbox.hpp"

namespace tempoload::plugin {

struct DeliveryRequest {
  bool put = false;    // PUT (prescription changes) or POST
  std::string target;  // e.g. "/api/v1/sessions"
};

// The request for an entry, or nullopt with `error` set when the entry cannot be sent at all
// (unknown kind, unreadable body): such an entry is rejected, never retried.
std::optional<DeliveryRequest> delivery_request(const OutboxEntry& entry, std::string& error);

enum class DeliveryVerdict {
  kDelivered,  // 2xx: the server holds it (201 new, 200 duplicate of an earlier delivery)
  kRetry,      // transport error, 5xx, 408, 429 or anything unexpected: try again later
  kRejected,   // other 4xx: the server refuses this entry as it is; kept for an operator
  kConflict,   // 409 on a prescription change: made from an outdated version; kept for a coach
};

struct DeliveryOutcome {
  DeliveryVerdict verdict = DeliveryVerdict::kRetry;
  int http_status = 0;                  // 0 = no HTTP answer
  std::string error;                    // for the outbox's last_error; "" when delivered
  std::optional<double> retry_after_s;  // the server's Retry-After
};

DeliveryOutcome classify_delivery(const OutboxEntry& entry, const http::HttpResult& result);

}  // namespace tempoload::plugin
