// Athletes' prescriptions on this machine: versions cached from the gym server and coaches'
// edits made here (pending until the gym server accepts them, or in conflict when it refuses
// an edit made from an outdated version), with an audit log of every change. Shares the
// SessionStore's connection. Rules: docs/storage.md, "prescription sync".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plugin/storage/session_store.hpp"
#include "tempoload/v1/sync.pb.h"

namespace tempoload::plugin {

struct CachedPrescription {
  std::string athlete_id;
  std::uint32_t version = 0;  // a local edit: the version it becomes when accepted
  std::string state;          // confirmed | pending | conflict
  tempoload::v1::SetPrescription set;
  std::int64_t updated_at_unix_ms = 0;
  std::string updated_by;
  std::string change_id;           // local edits only
  std::uint32_t base_version = 0;  // local edits only
  std::string conflict;            // state conflict: what the gym server said
};

struct AuditEntry {
  std::int64_t at_unix_ms = 0;
  std::string actor;
  std::string action;  // prescription_edit | prescription_fetched | prescription_confirmed |
                       // prescription_conflict
  std::string athlete_id;
  std::uint32_t version = 0;
  std::string detail;  // JSON
};

class PrescriptionStore {
 public:
  explicit PrescriptionStore(SessionStore& store) : store_(store) {}

  // A version the gym server holds: cached once per version; a new one is audited.
  void cache_confirmed(const tempoload::v1::AssignedPrescription& p, std::int64_t now_unix_ms);
  std::optional<CachedPrescription> newest_confirmed(const std::string& athlete_id);
  // The newest local edit the gym server has not accepted yet (state pending).
  std::optional<CachedPrescription> newest_pending(const std::string& athlete_id);
  // A coach's edit on this machine: stored as pending version base + 1, audited and queued
  // for the gym server (kind prescription_change, key = change id) in one transaction.
  CachedPrescription record_edit(const std::string& athlete_id, std::uint32_t base_version,
                                 const tempoload::v1::SetPrescription& set,
                                 const std::string& updated_by, const std::string& machine_id,
                                 std::int64_t now_unix_ms);
  // The gym server accepted the edit as `accepted` (its version).
  void confirm_edit(const std::string& change_id,
                    const tempoload::v1::AssignedPrescription& accepted, std::int64_t now_unix_ms);
  // The gym server refused the edit (409: made from an outdated version); kept for a coach.
  void mark_conflict(const std::string& change_id, const std::string& server_said,
                     std::int64_t now_unix_ms);
  // Every row for the athlete, newest first (tools, tests).
  std::vector<CachedPrescription> history(const std::string& athlete_id);
  std::vector<AuditEntry> audit_log(const std::string& athlete_id);

 private:
  SessionStore& store_;
};

}  // namespace tempoload::plugin
