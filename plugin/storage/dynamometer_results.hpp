// Saving a dynamometer session's results as they grow (schema v3, table dynamometer_tests). The
// session itself is begun and finished by SessionStore like any other; its report then carries
// the results (SessionReport.dynamometer_test).
#pragma once

#include <string>

#include "plugin/storage/session_store.hpp"
#include "tempoload/v1/dynamometer.pb.h"

namespace tempoload::plugin {

// Replaces the session's stored results; durable when it returns. Throws StoreError, also for a
// session that is not a dynamometer session.
void save_dynamometer_results(SessionStore& store, const std::string& session_id,
                              const tempoload::v1::DynamometerTestReport& results);

}  // namespace tempoload::plugin
