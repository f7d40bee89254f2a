#include "plugin/storage/prescription_diff.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <cstdio>
#include <nlohmann/json.hpp>

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace pb = google::protobuf;
namespace {

std::string value_text(const pb::Message& m, const pb::FieldDescriptor* f) {
  const auto* r = m.GetReflection();
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_DOUBLE: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", r->GetDouble(m, f));
      return buf;
    }
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return std::to_string(r->GetFloat(m, f));
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return std::to_string(r->GetInt32(m, f));
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return std::to_string(r->GetInt64(m, f));
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      return std::to_string(r->GetUInt32(m, f));
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      return std::to_string(r->GetUInt64(m, f));
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return r->GetBool(m, f) ? "true" : "false";
    case pb::FieldDescriptor::CPPTYPE_ENUM:
      return r->GetEnum(m, f)->name();
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return r->GetString(m, f);
    default:
      return "";
  }
}

// Singular fields only (a SetPrescription has no repeated ones). `before` null: all set fields.
void diff(const pb::Message* before, const pb::Message& after, const std::string& prefix,
          std::vector<v1::FieldChange>& out) {
  const auto* d = after.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    if (f->is_repeated()) continue;
    const std::string path = prefix + f->name();
    if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      const bool in_after = after.GetReflection()->HasField(after, f);
      const bool in_before = before && before->GetReflection()->HasField(*before, f);
      if (!in_after && !in_before) continue;
      const pb::Message& a = after.GetReflection()->GetMessage(after, f);
      diff(in_before ? &before->GetReflection()->GetMessage(*before, f) : nullptr, a, path + ".",
           out);
      continue;
    }
    const std::string a = value_text(after, f);
    if (!before) {
      if (after.GetReflection()->HasField(after, f)) {
        v1::FieldChange c;
        c.set_field(path);
        c.set_after(a);
        out.push_back(std::move(c));
      }
      continue;
    }
    const std::string b = value_text(*before, f);
    if (a == b) continue;
    v1::FieldChange c;
    c.set_field(path);
    c.set_before(b);
    c.set_after(a);
    out.push_back(std::move(c));
  }
}

}  // namespace

std::vector<v1::FieldChange> diff_prescription(const v1::SetPrescription* before,
                                               const v1::SetPrescription& after) {
  std::vector<v1::FieldChange> out;
  diff(before, after, "", out);
  return out;
}

void audit_prescription_diff(Database& db, std::int64_t at, const std::string& actor,
                             const std::string& athlete_id, std::uint32_t version,
                             std::uint32_t base_version, const std::string& change_id,
                             const std::string& reason,
                             const std::vector<v1::FieldChange>& changes) {
  nlohmann::json fields = nlohmann::json::array();
  for (const auto& c : changes)
    fields.push_back({{"field", c.field()}, {"before", c.before()}, {"after", c.after()}});
  const nlohmann::json detail{{"change_id", change_id},
                              {"base_version", base_version},
                              {"reason", reason},
                              {"changes", fields}};
  db.prepare(
        "INSERT INTO audit_log(at_unix_ms, actor, action, athlete_id, version, detail) VALUES "
        "(?, ?, 'prescription_diff', ?, ?, ?)")
      .bind(1, at)
      .bind(2, actor)
      .bind(3, athlete_id)
      .bind(4, static_cast<std::int64_t>(version))
      .bind(5, detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
      .run();
}

}  // namespace tempoload::plugin
