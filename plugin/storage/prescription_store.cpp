#include "plugin/storage/prescription_store.hpp"

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

constexpr const char* kColumns =
    "athlete_id, version, state, prescription, updated_at_unix_ms, updated_by, "
    "COALESCE(change_id, ''), COALESCE(base_version, 0), COALESCE(conflict, '')";

CachedPrescription from_row(const Statement& s) {
  CachedPrescription p;
  p.athlete_id = s.text(0);
  p.version = static_cast<std::uint32_t>(s.int64(1));
  p.state = s.text(2);
  p.set.ParseFromString(s.blob(3));
  p.updated_at_unix_ms = s.int64(4);
  p.updated_by = s.text(5);
  p.change_id = s.text(6);
  p.base_version = static_cast<std::uint32_t>(s.int64(7));
  p.conflict = s.text(8);
  return p;
}

std::optional<CachedPrescription> newest(Database& db, const std::string& athlete_id,
                                         const char* state) {
  auto s = db.prepare(std::string("SELECT ") + kColumns +
                      " FROM prescriptions WHERE athlete_id = ? AND state = ? ORDER BY version "
                      "DESC, id DESC LIMIT 1");
  s.bind(1, athlete_id).bind(2, std::string_view(state));
  if (!s.step()) return std::nullopt;
  return from_row(s);
}

std::string to_json(const google::protobuf::Message& m) {
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(m, &out);
  return out;
}

void ensure_athlete(Database& db, const std::string& athlete_id, std::int64_t now) {
  db.prepare("INSERT OR IGNORE INTO athletes(athlete_id, first_seen_unix_ms) VALUES (?, ?)")
      .bind(1, athlete_id)
      .bind(2, now)
      .run();
}

void audit(Database& db, std::int64_t at, const std::string& actor, const char* action,
           const std::string& athlete_id, std::uint32_t version, const std::string& detail) {
  db.prepare(
        "INSERT INTO audit_log(at_unix_ms, actor, action, athlete_id, version, detail) VALUES "
        "(?, ?, ?, ?, ?, ?)")
      .bind(1, at)
      .bind(2, actor)
      .bind(3, std::string_view(action))
      .bind(4, athlete_id)
      .bind(5, static_cast<std::int64_t>(version))
      .bind(6, detail)
      .run();
}

std::string new_change_id(const std::string& machine_id, std::int64_t now) {
  static std::mt19937_64 rng{std::random_device{}()};
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(rng() & 0xffffffffu));
  return machine_id + "-rx-" + std::to_string(now) + "-" + suffix;
}

}  // namespace

void PrescriptionStore::cache_confirmed(const v1::AssignedPrescription& p, std::int64_t now) {
  store_.with_db([&](Database& db) {
    db.transaction([&] {
      ensure_athlete(db, p.athlete_id(), now);
      db.prepare(
            "INSERT OR IGNORE INTO prescriptions(athlete_id, version, state, prescription, "
            "updated_at_unix_ms, updated_by, cached_at_unix_ms) VALUES (?, ?, 'confirmed', ?, ?, "
            "?, ?)")
          .bind(1, p.athlete_id())
          .bind(2, static_cast<std::int64_t>(p.version()))
          .bind_blob(3, p.set().SerializeAsString())
          .bind(4, p.updated_at_unix_ms())
          .bind(5, p.updated_by())
          .bind(6, now)
          .run();
      if (sqlite3_changes(db.handle()) > 0)
        audit(db, now, "gym-server", "prescription_fetched", p.athlete_id(), p.version(),
              to_json(p));
    });
  });
}

std::optional<CachedPrescription> PrescriptionStore::newest_confirmed(const std::string& id) {
  return store_.with_db([&](Database& db) { return newest(db, id, "confirmed"); });
}

std::optional<CachedPrescription> PrescriptionStore::newest_pending(const std::string& id) {
  return store_.with_db([&](Database& db) { return newest(db, id, "pending"); });
}

CachedPrescription PrescriptionStore::record_edit(const std::string& athlete_id,
                                                  std::uint32_t base_version,
                                                  const v1::SetPrescription& set,
                                                  const std::string& updated_by,
                                                  const std::string& machine_id, std::int64_t now) {
  CachedPrescription row;
  row.athlete_id = athlete_id;
  row.version = base_version + 1;
  row.state = "pending";
  row.set = set;
  row.updated_at_unix_ms = now;
  row.updated_by = updated_by;
  row.change_id = new_change_id(machine_id, now);
  row.base_version = base_version;

  v1::PrescriptionChange change;
  change.set_athlete_id(athlete_id);
  change.set_base_version(base_version);
  *change.mutable_set() = set;
  change.set_updated_by(updated_by);
  change.set_change_id(row.change_id);
  const std::string body = to_json(change);

  store_.with_db([&](Database& db) {
    db.transaction([&] {
      ensure_athlete(db, athlete_id, now);
      db.prepare(
            "INSERT INTO prescriptions(athlete_id, version, state, prescription, "
            "updated_at_unix_ms, updated_by, change_id, base_version, cached_at_unix_ms) VALUES "
            "(?, ?, 'pending', ?, ?, ?, ?, ?, ?)")
          .bind(1, athlete_id)
          .bind(2, static_cast<std::int64_t>(row.version))
          .bind_blob(3, set.SerializeAsString())
          .bind(4, now)
          .bind(5, updated_by)
          .bind(6, row.change_id)
          .bind(7, static_cast<std::int64_t>(base_version))
          .bind(8, now)
          .run();
      audit(db, now, updated_by, "prescription_edit", athlete_id, row.version, body);
      outbox_enqueue(db, kKindPrescriptionChange, row.change_id, body, now);
    });
  });
  return row;
}

void PrescriptionStore::confirm_edit(const std::string& change_id,
                                     const v1::AssignedPrescription& accepted, std::int64_t now) {
  store_.with_db([&](Database& db) {
    db.transaction([&] {
      auto exists = db.prepare(
          "SELECT EXISTS(SELECT 1 FROM prescriptions WHERE athlete_id = ? AND version = ? AND "
          "state = 'confirmed')");
      exists.bind(1, accepted.athlete_id()).bind(2, static_cast<std::int64_t>(accepted.version()));
      exists.step();
      if (exists.int64(0) != 0) {
        // Already cached by a fetch that raced the acknowledgement: keep one copy.
        db.prepare("DELETE FROM prescriptions WHERE change_id = ?").bind(1, change_id).run();
      } else {
        db.prepare(
              "UPDATE prescriptions SET state = 'confirmed', version = ?, updated_at_unix_ms = ? "
              "WHERE change_id = ?")
            .bind(1, static_cast<std::int64_t>(accepted.version()))
            .bind(2, accepted.updated_at_unix_ms())
            .bind(3, change_id)
            .run();
      }
      audit(db, now, "gym-server", "prescription_confirmed", accepted.athlete_id(),
            accepted.version(), to_json(accepted));
    });
  });
}

void PrescriptionStore::mark_conflict(const std::string& change_id, const std::string& said,
                                      std::int64_t now) {
  store_.with_db([&](Database& db) {
    db.transaction([&] {
      auto row = db.prepare("SELECT athlete_id, version FROM prescriptions WHERE change_id = ?");
      row.bind(1, change_id);
      if (!row.step()) return;
      const std::string athlete_id = row.text(0);
      const auto version = static_cast<std::uint32_t>(row.int64(1));
      db.prepare("UPDATE prescriptions SET state = 'conflict', conflict = ? WHERE change_id = ?")
          .bind(1, said)
          .bind(2, change_id)
          .run();
      const nlohmann::json detail{{"change_id", change_id}, {"gym_server_said", said}};
      audit(db, now, "gym-server", "prescription_conflict", athlete_id, version,
            detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    });
  });
}

std::vector<CachedPrescription> PrescriptionStore::history(const std::string& athlete_id) {
  return store_.with_db([&](Database& db) {
    auto s = db.prepare(std::string("SELECT ") + kColumns +
                        " FROM prescriptions WHERE athlete_id = ? ORDER BY id DESC");
    s.bind(1, athlete_id);
    std::vector<CachedPrescription> rows;
    while (s.step()) rows.push_back(from_row(s));
    return rows;
  });
}

std::vector<AuditEntry> PrescriptionStore::audit_log(const std::string& athlete_id) {
  return store_.with_db([&](Database& db) {
    auto s = db.prepare(
        "SELECT at_unix_ms, actor, action, athlete_id, version, detail FROM audit_log WHERE "
        "athlete_id = ? ORDER BY id");
    s.bind(1, athlete_id);
    std::vector<AuditEntry> rows;
    while (s.step())
      rows.push_back({s.int64(0), s.text(1), s.text(2), s.text(3),
                      static_cast<std::uint32_t>(s.int64(4)), s.text(5)});
    return rows;
  });
}

}  // namespace tempoload::plugin
