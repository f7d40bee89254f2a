#include "sim/gym/gym_routes.hpp"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string_view>

#include "sim/gym/route_helpers.hpp"
#include "sim/gym/sync_routes.hpp"
#include "tempoload/v1/training.pb.h"

namespace tempoload::gym {
namespace {

using nlohmann::json;

constexpr std::string_view kSessions = "/api/v1/sessions";

GymResponse post_session(ReportStore& store, const GymRequest& req, std::int64_t now_unix_ms) {
  if (req.body.size() > kMaxReportBytes) {
    return error_response(413,
                          "request body exceeds " + std::to_string(kMaxReportBytes) + " bytes");
  }
  if (!is_json_content_type(req.content_type)) {
    return error_response(
        415, "Content-Type must be application/json, got '" + req.content_type.value_or("") + "'");
  }
  if (std::string problem = check_idempotency_key(req.idempotency_key); !problem.empty()) {
    return error_response(400, problem);
  }
  tempoload::v1::SessionReport report;
  google::protobuf::util::JsonParseOptions parse_options;
  parse_options.ignore_unknown_fields = false;
  if (auto status = google::protobuf::util::JsonStringToMessage(req.body, &report, parse_options);
      !status.ok()) {
    // protobuf's message names the field, e.g. "(sets[0].reps[0].verdict): invalid value ...";
    // syntax errors carry a multi-line caret excerpt, cut here.
    std::string message(status.message());
    message = message.substr(0, message.find('\n'));
    return error_response(400, message.empty() ? "invalid SessionReport JSON" : message);
  }
  if (report.session_id().empty()) return error_response(400, "session_id: required");

  StoredReport row;
  row.idempotency_key = *req.idempotency_key;
  row.session_id = report.session_id();
  row.athlete_id = report.athlete_id();
  row.machine_id = report.machine_id();
  for (const auto& set : report.sets()) row.reps_counted += set.summary().reps_counted();
  row.received_at_unix_ms = now_unix_ms;
  if (auto status = google::protobuf::util::MessageToJsonString(report, &row.body); !status.ok()) {
    return error_response(500, "cannot serialise report: " + std::string(status.message()));
  }

  StoredReport existing;
  switch (store.put(row, &existing)) {
    case PutOutcome::kStored: {
      GymResponse r =
          json_response(201, json{{"status", "stored"}, {"session_id", row.session_id}});
      r.headers.emplace_back("Location", std::string(kSessions) + "/" + row.session_id);
      return r;
    }
    case PutOutcome::kDuplicate:
      return json_response(200, json{{"status", "duplicate"}, {"session_id", existing.session_id}});
    case PutOutcome::kKeyConflict:
      return error_response(409, "Idempotency-Key '" + row.idempotency_key +
                                     "' was already used for a different report (session '" +
                                     existing.session_id + "')");
    case PutOutcome::kSessionConflict:
      return error_response(409, "session '" + row.session_id +
                                     "' was already stored under a different Idempotency-Key");
  }
  return error_response(500, "unreachable");
}

GymResponse list_sessions(ReportStore& store) {
  json sessions = json::array();
  for (const StoredReport& r : store.list()) {
    sessions.push_back({{"session_id", r.session_id},
                        {"athlete_id", r.athlete_id},
                        {"machine_id", r.machine_id},
                        {"reps_counted", r.reps_counted},
                        {"received_at_unix_ms", r.received_at_unix_ms}});
  }
  return json_response(200, json{{"sessions", std::move(sessions)}});
}

GymResponse route(ReportStore& store, const GymRequest& req, std::int64_t now_unix_ms) {
  const std::string path = req.target.substr(0, req.target.find('?'));
  if (auto r = route_sync(store, req, path, now_unix_ms)) return *r;
  if (path == "/healthz") {
    if (req.method != "GET") return method_not_allowed(req, path, "GET");
    return json_response(200, json{{"status", "ok"}});
  }
  if (path == kSessions) {
    if (req.method == "POST") return post_session(store, req, now_unix_ms);
    if (req.method == "GET") return list_sessions(store);
    return method_not_allowed(req, path, "GET, POST");
  }
  const std::string prefix = std::string(kSessions) + "/";
  if (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
      path.find('/', prefix.size()) == std::string::npos) {
    if (req.method != "GET") return method_not_allowed(req, path, "GET");
    std::optional<std::string> id = percent_decode(std::string_view(path).substr(prefix.size()));
    if (!id) return error_response(400, "malformed percent-escape in '" + path + "'");
    std::optional<StoredReport> found = store.find_by_session(*id);
    if (!found) return error_response(404, "no session '" + *id + "'");
    GymResponse r;
    r.status = 200;
    r.body = std::move(found->body);
    return r;
  }
  return error_response(404, "no route for '" + path + "'");
}

}  // namespace

GymResponse error_response(int status, const std::string& message) {
  // dump() with error_handler replace: a non-UTF-8 byte in a message cannot throw.
  GymResponse r;
  r.status = status;
  r.body = json{{"error", message}}.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

GymResponse handle_request(ReportStore& store, const GymRequest& request,
                           std::int64_t now_unix_ms) {
  try {
    return route(store, request, now_unix_ms);
  } catch (const StoreError& e) {
    return error_response(500, std::string("storage: ") + e.what());
  } catch (const std::exception& e) {
    return error_response(500, std::string("internal error: ") + e.what());
  }
}

}  // namespace tempoload::gym
