#include "plugin/storage/outbox.hpp"

namespace tempoload::plugin {
namespace {

// SQLite's clock as Unix milliseconds, for "last attempt" stamps.
constexpr const char* kNowMs = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

}  // namespace

bool outbox_enqueue(Database& db, const std::string& kind, const std::string& key,
                    const std::string& body, std::int64_t now_unix_ms) {
  db.prepare(
        "INSERT OR IGNORE INTO outbox(idempotency_key, kind, body, created_at_unix_ms, "
        "next_attempt_unix_ms) VALUES (?, ?, ?, ?, ?)")
      .bind(1, key)
      .bind(2, kind)
      .bind(3, body)
      .bind(4, now_unix_ms)
      .bind(5, now_unix_ms)
      .run();
  return sqlite3_changes(db.handle()) > 0;
}

std::optional<OutboxEntry> outbox_next_due(Database& db, std::int64_t now_unix_ms,
                                           const std::vector<std::int64_t>& exclude) {
  // A handful of ids at most (the reporter's concurrency), so a literal list is fine.
  std::string not_in;
  for (auto id : exclude) not_in += (not_in.empty() ? "" : ",") + std::to_string(id);
  auto s = db.prepare(
      "SELECT id, idempotency_key, kind, body, attempts FROM outbox WHERE state = 'pending' AND "
      "next_attempt_unix_ms <= ?" +
      (not_in.empty() ? std::string() : " AND id NOT IN (" + not_in + ")") +
      " ORDER BY next_attempt_unix_ms, id LIMIT 1");
  s.bind(1, now_unix_ms);
  if (!s.step()) return std::nullopt;
  return OutboxEntry{s.int64(0), s.text(1), s.text(2), s.text(3), static_cast<int>(s.int64(4))};
}

void outbox_mark_delivered(Database& db, std::int64_t id, std::int64_t at_unix_ms,
                           int http_status) {
  db.prepare(std::string("UPDATE outbox SET state = 'delivered', delivered_at_unix_ms = ?, ") +
             "attempts = attempts + 1, last_error = NULL, last_http_status = ?, " +
             "last_attempt_unix_ms = ? WHERE id = ?")
      .bind(1, at_unix_ms)
      .bind(2, static_cast<std::int64_t>(http_status))
      .bind(3, at_unix_ms)
      .bind(4, id)
      .run();
}

void outbox_mark_retry(Database& db, std::int64_t id, std::int64_t next_attempt_unix_ms,
                       const std::string& error, int http_status) {
  db.prepare(std::string("UPDATE outbox SET attempts = attempts + 1, next_attempt_unix_ms = ?, ") +
             "last_error = ?, last_http_status = ?, last_attempt_unix_ms = " + kNowMs +
             " WHERE id = ?")
      .bind(1, next_attempt_unix_ms)
      .bind(2, error)
      .bind(3, static_cast<std::int64_t>(http_status))
      .bind(4, id)
      .run();
}

void outbox_mark_final(Database& db, std::int64_t id, const std::string& state,
                       const std::string& error, int http_status) {
  db.prepare(std::string("UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ?, ") +
             "last_http_status = ?, last_attempt_unix_ms = " + kNowMs + " WHERE id = ?")
      .bind(1, state)
      .bind(2, error)
      .bind(3, static_cast<std::int64_t>(http_status))
      .bind(4, id)
      .run();
}

int outbox_retry_unreachable_now(Database& db, std::int64_t now_unix_ms) {
  db.prepare(
        "UPDATE outbox SET next_attempt_unix_ms = ?1 WHERE state = 'pending' AND "
        "next_attempt_unix_ms > ?1 AND COALESCE(last_http_status, 0) = 0")
      .bind(1, now_unix_ms)
      .run();
  return sqlite3_changes(db.handle());
}

OutboxStatus outbox_status(Database& db) {
  OutboxStatus st;
  auto s = db.prepare("SELECT state, COUNT(*) FROM outbox GROUP BY state");
  while (s.step()) {
    const std::string state = s.text(0);
    if (state == "pending") st.pending = s.int64(1);
    if (state == "delivered") st.delivered = s.int64(1);
    if (state == "rejected") st.rejected = s.int64(1);
    if (state == "conflict") st.conflict = s.int64(1);
  }
  return st;
}

std::optional<std::int64_t> outbox_next_attempt_time(Database& db) {
  auto s = db.prepare("SELECT MIN(next_attempt_unix_ms) FROM outbox WHERE state = 'pending'");
  if (!s.step() || s.is_null(0)) return std::nullopt;
  return s.int64(0);
}

std::vector<OutboxRow> outbox_list(Database& db, const std::string& state, int limit) {
  auto s = db.prepare(
      "SELECT id, idempotency_key, kind, state, attempts, created_at_unix_ms, "
      "next_attempt_unix_ms, COALESCE(last_attempt_unix_ms, 0), "
      "COALESCE(delivered_at_unix_ms, 0), COALESCE(last_http_status, 0), "
      "COALESCE(last_error, '') FROM outbox WHERE (? = '' OR state = ?) ORDER BY id DESC "
      "LIMIT ?");
  s.bind(1, state).bind(2, state).bind(3, static_cast<std::int64_t>(limit));
  std::vector<OutboxRow> rows;
  while (s.step()) {
    OutboxRow r;
    r.id = s.int64(0);
    r.idempotency_key = s.text(1);
    r.kind = s.text(2);
    r.state = s.text(3);
    r.attempts = static_cast<int>(s.int64(4));
    r.created_at_unix_ms = s.int64(5);
    r.next_attempt_unix_ms = s.int64(6);
    r.last_attempt_unix_ms = s.int64(7);
    r.delivered_at_unix_ms = s.int64(8);
    r.last_http_status = static_cast<int>(s.int64(9));
    r.last_error = s.text(10);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace tempoload::plugin
