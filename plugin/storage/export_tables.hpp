// Tables for export (tempoloadctl export, Operator/Export): sessions, reps and daily usage from
// a plugin database, written as CSV (header row, RFC 4180 quoting, CRLF) or as a JSON array of
// objects with the same names.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "plugin/storage/report_queries.hpp"

namespace tempoload::plugin {

struct ExportTable {
  std::vector<std::string> columns;
  std::vector<std::vector<nlohmann::ordered_json>> rows;
};

ExportTable sessions_table(const std::vector<SessionRow>& sessions);
// Every rep of the sessions, in session order.
ExportTable reps_table(Database& db, const std::vector<SessionRow>& sessions);
// One row per UTC day and athlete, sessions started in [from, to).
ExportTable usage_table(Database& db, std::int64_t from_unix_ms, std::int64_t to_unix_ms);

// `format`: "csv" or "json".
void write_table(const ExportTable& table, const std::string& format, std::ostream& out);

}  // namespace tempoload::plugin
