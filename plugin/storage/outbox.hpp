// The report outbox: what must reach the gym server, durably queued in the plugin's database
// and sent by the reporter. Free functions on a Database so that SessionStore (under its lock)
// and read-only tools share them. States: pending -> delivered | rejected | conflict.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plugin/storage/sqlite_db.hpp"

namespace tempoload::plugin {

// Kinds of entries and where the reporter sends them (docs/gym-api.md).
inline constexpr const char* kKindSessionReport = "session_report";  // POST /sessions
inline constexpr const char* kKindUsageReport = "usage_report";      // POST /usage
inline constexpr const char* kKindPrescriptionChange =
    "prescription_change";  // PUT .../prescription

struct OutboxEntry {
  std::int64_t id = 0;
  std::string idempotency_key;
  std::string kind;  // one of the kinds above
  std::string body;  // JSON
  int attempts = 0;
};

// One entry as an operator sees it (tempoloadctl outbox).
struct OutboxRow {
  std::int64_t id = 0;
  std::string idempotency_key;
  std::string kind;
  std::string state;  // pending | delivered | rejected | conflict
  int attempts = 0;
  std::int64_t created_at_unix_ms = 0;
  std::int64_t next_attempt_unix_ms = 0;  // pending only
  std::int64_t last_attempt_unix_ms = 0;  // 0 = never tried
  std::int64_t delivered_at_unix_ms = 0;  // 0 = not delivered
  int last_http_status = 0;               // 0 = no HTTP answer (transport error)
  std::string last_error;
};

struct OutboxStatus {
  std::int64_t pending = 0;
  std::int64_t delivered = 0;
  std::int64_t rejected = 0;  // refused by the server as invalid; kept for an operator
  std::int64_t conflict = 0;  // a prescription edit made from an outdated version
};

// Queues an entry due now. Returns false (and changes nothing) when the key is already queued.
bool outbox_enqueue(Database& db, const std::string& kind, const std::string& key,
                    const std::string& body, std::int64_t now_unix_ms);
// The oldest due pending entry whose id is not in `exclude` (entries in flight).
std::optional<OutboxEntry> outbox_next_due(Database& db, std::int64_t now_unix_ms,
                                           const std::vector<std::int64_t>& exclude);
void outbox_mark_delivered(Database& db, std::int64_t id, std::int64_t at_unix_ms, int http_status);
void outbox_mark_retry(Database& db, std::int64_t id, std::int64_t next_attempt_unix_ms,
                       const std::string& error, int http_status);
void outbox_mark_final(Database& db, std::int64_t id, const std::string& state,
                       const std::string& error, int http_status);
// Pending entries that last failed without any HTTP answer (server down) become due now;
// those the server answered (e.g. 429 with Retry-After) keep their time. Returns how many.
int outbox_retry_unreachable_now(Database& db, std::int64_t now_unix_ms);
OutboxStatus outbox_status(Database& db);
std::optional<std::int64_t> outbox_next_attempt_time(Database& db);
// Newest first; state "" = all states.
std::vector<OutboxRow> outbox_list(Database& db, const std::string& state, int limit);

}  // namespace tempoload::plugin
