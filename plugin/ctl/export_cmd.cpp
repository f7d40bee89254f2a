#include "plugin/ctl/export_cmd.hpp"
#include "plugin/ctl/exit_codes.hpp"

#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "plugin/storage/export_tables.hpp"
#include "plugin/storage/report_queries.hpp"
#include "plugin/storage/sample_codec.hpp"
#include "plugin/storage/schema.hpp"
#include "plugin/usage/usage_log.hpp"

namespace tempoload::ctl {
namespace {

namespace tp = tempoload::plugin;
namespace v1 = tempoload::v1;
using nlohmann::ordered_json;


int export_samples(tp::Database& db, const ExportArgs& a, std::ostream& out, std::ostream& err) {
  auto s = db.prepare(
      "SELECT samples, COALESCE(pruned_at_unix_ms, 0), dropped FROM set_samples WHERE "
      "session_id = ? AND set_index = ?");
  s.bind(1, a.session).bind(2, static_cast<std::int64_t>(a.set_index));
  if (!s.step()) {
    err << "no raw samples for session '" << a.session << "' set " << a.set_index << "\n";
    return kExitNotFound;
  }
  if (s.is_null(0)) {
    err << "the raw samples of session '" << a.session << "' set " << a.set_index
        << " were pruned at " << tp::iso_utc(s.int64(1))
        << " after the report was delivered (--prune-samples-after-upload)\n";
    return kExitNotFound;
  }
  const auto samples = tp::decode_samples(s.blob(0));
  if (s.int64(2) > 0)
    err << "note: " << s.int64(2) << " samples of this set were lost before they were stored\n";
  tp::ExportTable t{{"t_s", "force_left_n", "force_right_n", "position_m"}, {}};
  t.rows.reserve(samples.size());
  for (const auto& x : samples)
    t.rows.push_back({x.t_s, x.force_left_n, x.force_right_n, x.position_m});
  tp::write_table(t, a.format, out);
  return 0;
}

}  // namespace

int run_export(const ExportArgs& a, std::ostream& out, std::ostream& err) {
  try {
    tp::Database db(a.db, tp::Database::Mode::kReadOnly);
    tp::require_current_schema(db);
    if (a.what == "samples") {
      if (a.session.empty()) {
        err << "--session: required with --what samples\n";
        return ctl::kExitUsage;
      }
      return export_samples(db, a, out, err);
    }
    const auto sessions = tp::list_sessions(db, a.session);
    if (!a.session.empty() && sessions.empty()) {
      err << "no session '" << a.session << "' in " << a.db << "\n";
      return kExitNotFound;
    }
    if (a.what == "sessions") {
      tp::write_table(tp::sessions_table(sessions), a.format, out);
      return 0;
    }
    tp::write_table(tp::reps_table(db, sessions), a.format, out);
    return 0;
  } catch (const std::exception& e) {
    err << "export from " << a.db << ": " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace tempoload::ctl
