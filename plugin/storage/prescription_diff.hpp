// What a coach changed in a prescription, field by field (for the audit log and the reply of
// Coach/AssignPrescription), and the audit row that records it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plugin/storage/sqlite_db.hpp"
#include "tempoload/v1/coach.pb.h"

namespace tempoload::plugin {

// The fields that differ, by proto path ("tempo.eccentric_s"), in field order; values as text.
// `before` null: a first prescription, every field of `after` that is set (non-zero).
std::vector<tempoload::v1::FieldChange> diff_prescription(
    const tempoload::v1::SetPrescription* before, const tempoload::v1::SetPrescription& after);

// Audit row action "prescription_diff": who, when, the change id, its base version, the reason
// and the changed fields as JSON. Throws StoreError.
void audit_prescription_diff(Database& db, std::int64_t at_unix_ms, const std::string& actor,
                             const std::string& athlete_id, std::uint32_t version,
                             std::uint32_t base_version, const std::string& change_id,
                             const std::string& reason,
                             const std::vector<tempoload::v1::FieldChange>& changes);

}  // namespace tempoload::plugin
