#include "plugin/storage/dynamometer_results.hpp"

namespace tempoload::plugin {

void save_dynamometer_results(SessionStore& store, const std::string& session_id,
                              const tempoload::v1::DynamometerTestReport& results) {
  std::string blob;
  results.SerializeToString(&blob);
  store.with_db([&](Database& db) {
    db.prepare("UPDATE dynamometer_tests SET results = ? WHERE session_id = ?")
        .bind_blob(1, blob)
        .bind(2, session_id)
        .run();
    if (sqlite3_changes(db.handle()) != 1)
      throw StoreError("no dynamometer session '" + session_id + "' to save results for");
  });
}

}  // namespace tempoload::plugin
