// ReportStore: prescriptions and usage reports (schema version 2).
#include <sqlite3.h>

#include "sim/gym/report_store.hpp"
#include "sim/gym/sqlite_statement.hpp"

namespace tempoload::gym {
namespace {

constexpr const char* kPrescriptionColumns =
    "athlete_id, version, base_version, set_json, updated_at_unix_ms, updated_by, change_key";

StoredPrescription read_prescription(const Statement& s) {
  return StoredPrescription{s.text(0),  s.int64(1), s.int64(2), s.text(3),
                            s.int64(4), s.text(5),  s.text(6)};
}

bool same_change(const StoredPrescription& a, const StoredPrescription& b) {
  return a.athlete_id == b.athlete_id && a.base_version == b.base_version &&
         a.set_json == b.set_json && a.updated_by == b.updated_by;
}

}  // namespace

PrescriptionPutOutcome ReportStore::put_prescription(const StoredPrescription& change,
                                                     StoredPrescription* result) {
  exec("BEGIN IMMEDIATE");
  try {
    PrescriptionPutOutcome outcome;
    StoredPrescription row;
    Statement by_key(
        db_,
        std::string("SELECT ") + kPrescriptionColumns + " FROM prescriptions WHERE change_key = ?1",
        path_);
    by_key.bind(1, change.change_key);
    if (by_key.step()) {
      row = read_prescription(by_key);
      outcome = same_change(row, change) ? PrescriptionPutOutcome::kDuplicate
                                         : PrescriptionPutOutcome::kKeyReused;
    } else {
      Statement current(db_,
                        std::string("SELECT ") + kPrescriptionColumns +
                            " FROM prescriptions WHERE athlete_id = ?1 ORDER BY version DESC "
                            "LIMIT 1",
                        path_);
      current.bind(1, change.athlete_id);
      const bool has_current = current.step();
      if (has_current) row = read_prescription(current);
      const std::int64_t current_version = has_current ? row.version : 0;
      if (change.base_version != current_version) {
        outcome = PrescriptionPutOutcome::kStale;
      } else {
        row = change;
        row.version = current_version + 1;
        Statement insert(db_,
                         std::string("INSERT INTO prescriptions (") + kPrescriptionColumns +
                             ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                         path_);
        insert.bind(1, row.athlete_id);
        insert.bind(2, row.version);
        insert.bind(3, row.base_version);
        insert.bind(4, row.set_json);
        insert.bind(5, row.updated_at_unix_ms);
        insert.bind(6, row.updated_by);
        insert.bind(7, row.change_key);
        insert.step();
        outcome = PrescriptionPutOutcome::kStored;
      }
    }
    exec("COMMIT");  // durable before the caller answers
    if (result) *result = std::move(row);
    return outcome;
  } catch (...) {
    if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::optional<StoredPrescription> ReportStore::current_prescription(
    std::string_view athlete_id) const {
  Statement s(db_,
              std::string("SELECT ") + kPrescriptionColumns +
                  " FROM prescriptions WHERE athlete_id = ?1 ORDER BY version DESC LIMIT 1",
              path_);
  s.bind(1, athlete_id);
  if (!s.step()) return std::nullopt;
  return read_prescription(s);
}

std::vector<StoredPrescription> ReportStore::prescription_history(
    std::string_view athlete_id) const {
  Statement s(db_,
              std::string("SELECT ") + kPrescriptionColumns +
                  " FROM prescriptions WHERE athlete_id = ?1 ORDER BY version",
              path_);
  s.bind(1, athlete_id);
  std::vector<StoredPrescription> out;
  while (s.step()) out.push_back(read_prescription(s));
  return out;
}

PutOutcome ReportStore::put_usage(const StoredUsage& usage) {
  exec("BEGIN IMMEDIATE");
  try {
    PutOutcome outcome = PutOutcome::kStored;
    Statement found(db_, "SELECT body FROM usage_reports WHERE idempotency_key = ?1", path_);
    found.bind(1, usage.idempotency_key);
    if (found.step()) {
      outcome = found.text(0) == usage.body ? PutOutcome::kDuplicate : PutOutcome::kKeyConflict;
    } else {
      Statement insert(db_,
                       "INSERT INTO usage_reports (idempotency_key, machine_id, "
                       "period_start_unix_ms, received_at_unix_ms, body) VALUES (?1, ?2, ?3, "
                       "?4, ?5)",
                       path_);
      insert.bind(1, usage.idempotency_key);
      insert.bind(2, usage.machine_id);
      insert.bind(3, usage.period_start_unix_ms);
      insert.bind(4, usage.received_at_unix_ms);
      insert.bind(5, usage.body);
      insert.step();
    }
    exec("COMMIT");
    return outcome;
  } catch (...) {
    if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<StoredUsage> ReportStore::list_usage() const {
  Statement s(db_,
              "SELECT idempotency_key, machine_id, period_start_unix_ms, received_at_unix_ms, body "
              "FROM usage_reports ORDER BY period_start_unix_ms, machine_id",
              path_);
  std::vector<StoredUsage> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.int64(2), s.int64(3), s.text(4)});
  return out;
}

}  // namespace tempoload::gym
