#include "plugin/sync/prescription_sync.hpp"

#include <google/protobuf/util/json_util.h>
#include <spdlog/spdlog.h>

#include "plugin/http/http_client.hpp"
#include "plugin/session/wall_clock.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

v1::AssignedPrescription to_assigned(const CachedPrescription& c) {
  v1::AssignedPrescription p;
  p.set_athlete_id(c.athlete_id);
  p.set_version(c.version);
  *p.mutable_set() = c.set;
  p.set_updated_at_unix_ms(c.updated_at_unix_ms);
  p.set_updated_by(c.updated_by);
  return p;
}

ResolvedPrescription ok(v1::AssignedPrescription p, v1::PrescriptionSource source,
                        std::string note) {
  ResolvedPrescription r;
  r.origin.set_source(source);
  r.origin.set_version(p.version());
  r.origin.set_note(std::move(note));
  r.prescription = std::move(p);
  return r;
}

ResolvedPrescription failure(ResolvedPrescription::Status status, std::string error) {
  ResolvedPrescription r;
  r.status = status;
  r.error = std::move(error);
  return r;
}

// What the gym server said: a prescription, "none" (404), or it could not be asked.
struct Fetch {
  enum class Kind { kFound, kNone, kUnreachable } kind = Kind::kUnreachable;
  v1::AssignedPrescription prescription;
  std::string error;
};

Fetch fetch(const PrescriptionSyncOptions& o, const std::string& athlete_id) {
  Fetch f;
  if (o.gym_url.empty()) {
    f.error = "no gym server configured";
    return f;
  }
  try {
    http::HttpClient client(o.gym_url, http::HttpClientOptions{o.timeout_s, o.ca_file});
    // Athlete ids are [A-Za-z0-9_.-] (validated by the caller): no escaping needed.
    const auto r = client.get("/api/v1/athletes/" + athlete_id + "/prescription");
    if (!r.ok) {
      f.error = r.error;
    } else if (r.response.status == 404) {
      f.kind = Fetch::Kind::kNone;
    } else if (r.response.status != 200) {
      f.error = "HTTP " + std::to_string(r.response.status) + ": " + r.response.body.substr(0, 200);
    } else {
      google::protobuf::util::JsonParseOptions options;
      options.ignore_unknown_fields = true;
      if (!google::protobuf::util::JsonStringToMessage(r.response.body, &f.prescription, options)
               .ok() ||
          f.prescription.athlete_id() != athlete_id || f.prescription.version() == 0) {
        f.error = "the gym server's answer is not this athlete's AssignedPrescription";
      } else {
        f.kind = Fetch::Kind::kFound;
      }
    }
  } catch (const std::exception& e) {
    f.error = e.what();
  }
  return f;
}

}  // namespace

std::string origin_cue(const v1::PrescriptionOrigin& origin) {
  const std::string v = "prescription v" + std::to_string(origin.version());
  switch (origin.source()) {
    case v1::PRESCRIPTION_SOURCE_GYM_SERVER:
      return v + " from the gym server";
    case v1::PRESCRIPTION_SOURCE_CACHE:
      return v + " from this machine's cached copy (gym server unreachable)";
    case v1::PRESCRIPTION_SOURCE_LOCAL_EDIT:
      return v + " as edited on this machine (not yet confirmed by the gym server)";
    default:
      return "";
  }
}

ResolvedPrescription PrescriptionSync::resolve(const std::string& athlete_id) {
  const Fetch f = fetch(options_, athlete_id);
  if (f.kind == Fetch::Kind::kFound) store_.cache_confirmed(f.prescription, unix_ms());
  const auto pending = store_.newest_pending(athlete_id);
  constexpr const char* kLocalNote = "edited on this machine, not yet accepted by the gym server";

  if (f.kind == Fetch::Kind::kFound) {
    // A local edit made from the current version is the newer intent; one made from an older
    // version has lost (the gym server will refuse it) and the server's version runs.
    if (pending && pending->base_version >= f.prescription.version())
      return ok(to_assigned(*pending), v1::PRESCRIPTION_SOURCE_LOCAL_EDIT, kLocalNote);
    return ok(f.prescription, v1::PRESCRIPTION_SOURCE_GYM_SERVER, "");
  }
  if (f.kind == Fetch::Kind::kNone) {
    if (pending) return ok(to_assigned(*pending), v1::PRESCRIPTION_SOURCE_LOCAL_EDIT, kLocalNote);
    return failure(ResolvedPrescription::Status::kNotFound,
                   "athlete '" + athlete_id + "' has no prescription at the gym server");
  }
  const auto cached = store_.newest_confirmed(athlete_id);
  const std::string why = "gym server unreachable: " + f.error;
  if (pending && (!cached || pending->base_version >= cached->version))
    return ok(to_assigned(*pending), v1::PRESCRIPTION_SOURCE_LOCAL_EDIT, why + "; " + kLocalNote);
  if (cached) return ok(to_assigned(*cached), v1::PRESCRIPTION_SOURCE_CACHE, why);
  return failure(ResolvedPrescription::Status::kUnavailable,
                 "no prescription for athlete '" + athlete_id + "': " + why +
                     ", and this machine has no cached copy");
}

}  // namespace tempoload::plugin
