#include "plugin/storage/calibration_store.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;

void save_calibration(Database& db, const v1::Calibration& c, const std::string& action,
                      const std::string& actor, std::int64_t at) {
  auto s = db.prepare(
      "INSERT INTO calibration(at_unix_ms, actor, action, force_offset_left_n, "
      "force_offset_right_n, range_bottom_m, range_top_m) VALUES (?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, at).bind(2, actor).bind(3, action);
  s.bind(4, c.force_offset_left_n()).bind(5, c.force_offset_right_n());
  if (c.has_range_limits())
    s.bind(6, c.range_limits().bottom_m()).bind(7, c.range_limits().top_m());
  else
    s.bind_null(6).bind_null(7);
  s.run();
}

std::optional<v1::Calibration> load_calibration(Database& db) {
  auto s = db.prepare(
      "SELECT force_offset_left_n, force_offset_right_n, range_bottom_m, range_top_m FROM "
      "calibration ORDER BY id DESC LIMIT 1");
  if (!s.step()) return std::nullopt;
  v1::Calibration c;
  c.set_force_offset_left_n(s.real(0));
  c.set_force_offset_right_n(s.real(1));
  if (!s.is_null(2)) {
    c.mutable_range_limits()->set_bottom_m(s.real(2));
    c.mutable_range_limits()->set_top_m(s.real(3));
  }
  auto last = [&](const char* where, auto set) {
    auto q = db.prepare(std::string("SELECT at_unix_ms, actor FROM calibration WHERE ") + where +
                        " ORDER BY id DESC LIMIT 1");
    if (q.step()) set(q.int64(0), q.text(1));
  };
  last("action = 'zero_load_cells'", [&](std::int64_t at, const std::string& who) {
    c.set_zeroed_at_unix_ms(at);
    c.set_zeroed_by(who);
  });
  last("action IN ('range_limits', 'clear_range_limits')",
       [&](std::int64_t at, const std::string& who) {
         c.set_range_set_at_unix_ms(at);
         c.set_range_set_by(who);
       });
  return c;
}

}  // namespace tempoload::plugin
