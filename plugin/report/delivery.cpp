#include "plugin/report/delivery.hpp"

#include <google/protobuf/util/json_util.h>

#include "tempoload/v1/sync.pb.h"

namespace tempoload::plugin {

std::optional<DeliveryRequest> delivery_request(const OutboxEntry& entry, std::string& error) {
  if (entry.kind == kKindSessionReport) return DeliveryRequest{false, "/api/v1/sessions"};
  if (entry.kind == kKindUsageReport) return DeliveryRequest{false, "/api/v1/usage"};
  if (entry.kind == kKindPrescriptionChange) {
    tempoload::v1::PrescriptionChange change;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    if (!google::protobuf::util::JsonStringToMessage(entry.body, &change, options).ok() ||
        change.athlete_id().empty()) {
      error = "prescription change body is not a PrescriptionChange with an athlete_id";
      return std::nullopt;
    }
    // Athlete ids are [A-Za-z0-9_.-] (validated before queueing): no escaping needed.
    return DeliveryRequest{true, "/api/v1/athletes/" + change.athlete_id() + "/prescription"};
  }
  error = "unknown outbox kind '" + entry.kind + "'";
  return std::nullopt;
}

DeliveryOutcome classify_delivery(const OutboxEntry& entry, const http::HttpResult& result) {
  DeliveryOutcome out;
  if (!result.ok) {
    out.error = result.error;
    return out;
  }
  const int status = result.response.status;
  out.http_status = status;
  if (status >= 200 && status < 300) {
    out.verdict = DeliveryVerdict::kDelivered;
    return out;
  }
  out.error = "HTTP " + std::to_string(status) + ": " + result.response.body.substr(0, 200);
  out.retry_after_s = result.response.retry_after_s;
  if (status == 409 && entry.kind == kKindPrescriptionChange) {
    out.verdict = DeliveryVerdict::kConflict;
  } else if (status >= 400 && status < 500 && status != 408 && status != 429) {
    out.verdict = DeliveryVerdict::kRejected;
  }
  return out;
}

}  // namespace tempoload::plugin
