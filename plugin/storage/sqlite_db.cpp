#include "plugin/storage/sqlite_db.hpp"

namespace tempoload::plugin {
namespace {

[[noreturn]] void throw_sqlite(sqlite3* db, const std::string& what) {
  const int code = sqlite3_extended_errcode(db);
  std::string msg = what + ": " + sqlite3_errmsg(db);
  const bool full = (code & 0xff) == SQLITE_FULL;
  if (full) msg += " (disk full: nothing new was stored)";
  throw StoreError(msg, full);
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db), sql_(sql) {
  if (sqlite3_prepare_v2(db_, sql_.c_str(), static_cast<int>(sql_.size()), &stmt_, nullptr) !=
      SQLITE_OK)
    throw_sqlite(db_, "prepare '" + sql_ + "'");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int i, std::int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& Statement::bind(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Statement& Statement::bind(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind_blob(int i, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_sqlite(db_, "step '" + sql_ + "'");
}

void Statement::run() {
  while (step()) {
  }
}

std::int64_t Statement::int64(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::real(int col) const { return sqlite3_column_double(stmt_, col); }
std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}
std::string Statement::blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  return p ? std::string(static_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}
bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

Database::Database(const std::filesystem::path& path, Mode mode) : path_(path.string()) {
  const int flags =
      mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = "open database " + path_ + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory");
    sqlite3_close(db_);
    throw StoreError(msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  if (mode == Mode::kReadOnly) {
    exec("PRAGMA query_only=1");
    return;
  }
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=FULL");
  exec("PRAGMA foreign_keys=ON");
}

Database::~Database() { sqlite3_close(db_); }

void Database::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const bool full = (sqlite3_extended_errcode(db_) & 0xff) == SQLITE_FULL;
    std::string msg = "exec '" + s + "' on " + path_ + ": " + (err ? err : "unknown error");
    if (full) msg += " (disk full: nothing new was stored)";
    sqlite3_free(err);
    throw StoreError(msg, full);
  }
}

int Database::user_version() {
  Statement st(db_, "PRAGMA user_version");
  st.step();
  return static_cast<int>(st.int64(0));
}

void Database::set_user_version(int v) { exec("PRAGMA user_version=" + std::to_string(v)); }

}  // namespace tempoload::plugin
