#include "sim/gym/sync_routes.hpp"

#include <google/protobuf/util/json_util.h>

#include <cctype>
#include <cmath>

#include "sim/gym/route_helpers.hpp"
#include "tempoload/v1/sync.pb.h"
#include "tempoload/v1/usage.pb.h"

namespace tempoload::gym {
namespace {

using nlohmann::json;
namespace v1 = tempoload::v1;

constexpr std::string_view kAthletes = "/api/v1/athletes/";
constexpr std::string_view kUsage = "/api/v1/usage";

bool valid_athlete_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (unsigned char c : id)
    if (!(std::isalnum(c) || c == '_' || c == '.' || c == '-')) return false;
  return true;
}

// Parses a protobuf JSON body strictly; "" when fine, else the 400 message.
std::string parse_body(const std::string& body, google::protobuf::Message& out) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  if (auto status = google::protobuf::util::JsonStringToMessage(body, &out, options);
      !status.ok()) {
    std::string message(status.message());
    message = message.substr(0, message.find('\n'));
    return message.empty() ? "invalid " + out.GetTypeName() + " JSON" : message;
  }
  return "";
}

std::string canonical_json(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  return out;
}

GymResponse prescription_response(int status, const StoredPrescription& p) {
  v1::AssignedPrescription out;
  out.set_athlete_id(p.athlete_id);
  out.set_version(static_cast<std::uint32_t>(p.version));
  (void)google::protobuf::util::JsonStringToMessage(p.set_json, out.mutable_set());
  out.set_updated_at_unix_ms(p.updated_at_unix_ms);
  out.set_updated_by(p.updated_by);
  GymResponse r;
  r.status = status;
  r.body = canonical_json(out);
  return r;
}

// "" when the set is one a machine could be asked to run, else the 400 message. Machine limits
// (load, travel) are checked by the machine that runs it.
std::string check_set(const v1::SetPrescription& s) {
  if (s.reps() < 1 || s.reps() > 50)
    return "set.reps: must be in [1, 50], got " + std::to_string(s.reps());
  if (!std::isfinite(s.load_n()) || s.load_n() < 0) return "set.load_n: must be >= 0 N";
  if (!s.has_tempo()) return "set.tempo: required";
  if (!(s.tempo().concentric_s() > 0)) return "set.tempo.concentric_s: must be > 0 s";
  return "";
}

GymResponse put_prescription(ReportStore& store, const GymRequest& req,
                             const std::string& athlete_id, std::int64_t now) {
  if (!is_json_content_type(req.content_type))
    return error_response(
        415, "Content-Type must be application/json, got '" + req.content_type.value_or("") + "'");
  if (std::string problem = check_idempotency_key(req.idempotency_key); !problem.empty())
    return error_response(400, problem);
  v1::PrescriptionChange change;
  if (std::string problem = parse_body(req.body, change); !problem.empty())
    return error_response(400, problem);
  if (!change.athlete_id().empty() && change.athlete_id() != athlete_id)
    return error_response(400, "athlete_id: the body says '" + change.athlete_id() +
                                   "' but the path says '" + athlete_id + "'");
  if (!change.change_id().empty() && change.change_id() != *req.idempotency_key)
    return error_response(400, "change_id: must equal the Idempotency-Key header");
  if (!change.has_set()) return error_response(400, "set: required");
  if (std::string problem = check_set(change.set()); !problem.empty())
    return error_response(400, problem);
  if (change.updated_by().empty()) return error_response(400, "updated_by: required");

  StoredPrescription row;
  row.athlete_id = athlete_id;
  row.base_version = change.base_version();
  row.set_json = canonical_json(change.set());
  row.updated_at_unix_ms = now;
  row.updated_by = change.updated_by();
  row.change_key = *req.idempotency_key;
  StoredPrescription result;
  switch (store.put_prescription(row, &result)) {
    case PrescriptionPutOutcome::kStored: {
      GymResponse r = prescription_response(201, result);
      r.headers.emplace_back("Location", std::string(kAthletes) + athlete_id + "/prescription");
      return r;
    }
    case PrescriptionPutOutcome::kDuplicate:
      return prescription_response(200, result);
    case PrescriptionPutOutcome::kStale: {
      const std::int64_t current = result.version;
      return json_response(
          409, json{{"error", "base_version " + std::to_string(change.base_version()) +
                                  " is not the current version " + std::to_string(current) +
                                  " of the prescription of athlete '" + athlete_id +
                                  "'; fetch the current one and edit that"},
                    {"current_version", current}});
    }
    case PrescriptionPutOutcome::kKeyReused:
      return error_response(409, "Idempotency-Key '" + row.change_key +
                                     "' was already used for a different prescription change");
  }
  return error_response(500, "unreachable");
}

std::optional<GymResponse> athlete_routes(ReportStore& store, const GymRequest& req,
                                          const std::string& path, std::int64_t now) {
  const std::string rest = path.substr(kAthletes.size());
  const auto slash = rest.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const std::string what = rest.substr(slash + 1);
  if (what != "prescription" && what != "prescription/history") return std::nullopt;
  const auto athlete_id = percent_decode(rest.substr(0, slash));
  if (!athlete_id) return error_response(400, "malformed percent-escape in '" + path + "'");
  if (!valid_athlete_id(*athlete_id))
    return error_response(
        400, "athlete id: must be 1..64 characters of [A-Za-z0-9_.-], got '" + *athlete_id + "'");
  if (what == "prescription/history") {
    if (req.method != "GET") return method_not_allowed(req, path, "GET");
    json versions = json::array();
    for (const auto& p : store.prescription_history(*athlete_id))
      versions.push_back(json::parse(prescription_response(200, p).body));
    return json_response(200, json{{"versions", std::move(versions)}});
  }
  if (req.method == "PUT") return put_prescription(store, req, *athlete_id, now);
  if (req.method != "GET") return method_not_allowed(req, path, "GET, PUT");
  auto current = store.current_prescription(*athlete_id);
  if (!current) return error_response(404, "athlete '" + *athlete_id + "' has no prescription");
  return prescription_response(200, *current);
}

GymResponse post_usage(ReportStore& store, const GymRequest& req, std::int64_t now) {
  if (req.body.size() > kMaxReportBytes)
    return error_response(413,
                          "request body exceeds " + std::to_string(kMaxReportBytes) + " bytes");
  if (!is_json_content_type(req.content_type))
    return error_response(
        415, "Content-Type must be application/json, got '" + req.content_type.value_or("") + "'");
  if (std::string problem = check_idempotency_key(req.idempotency_key); !problem.empty())
    return error_response(400, problem);
  v1::UsageReport report;
  if (std::string problem = parse_body(req.body, report); !problem.empty())
    return error_response(400, problem);
  if (report.machine_id().empty()) return error_response(400, "machine_id: required");
  if (report.report_id() != *req.idempotency_key)
    return error_response(400, "report_id: must equal the Idempotency-Key header");
  StoredUsage row{report.report_id(), report.machine_id(), report.period_start_unix_ms(), now,
                  canonical_json(report)};
  switch (store.put_usage(row)) {
    case PutOutcome::kStored:
      return json_response(201, json{{"status", "stored"}, {"report_id", row.idempotency_key}});
    case PutOutcome::kDuplicate:
      return json_response(200, json{{"status", "duplicate"}, {"report_id", row.idempotency_key}});
    default:
      return error_response(409, "Idempotency-Key '" + row.idempotency_key +
                                     "' was already used for a different usage report");
  }
}

}  // namespace

std::optional<GymResponse> route_sync(ReportStore& store, const GymRequest& req,
                                      const std::string& path, std::int64_t now) {
  if (path.compare(0, kAthletes.size(), kAthletes) == 0)
    return athlete_routes(store, req, path, now);
  if (path == kUsage) {
    if (req.method == "POST") return post_usage(store, req, now);
    if (req.method != "GET") return method_not_allowed(req, path, "GET, POST");
    json reports = json::array();
    for (const auto& u : store.list_usage()) reports.push_back(json::parse(u.body));
    return json_response(200, json{{"usage_reports", std::move(reports)}});
  }
  return std::nullopt;
}

}  // namespace tempoload::gym
