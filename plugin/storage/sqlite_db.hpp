// Thin RAII over the SQLite C API: a connection and prepared statements. Errors throw
// StoreError with SQLite's message and the statement that failed.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tempoload::plugin {

class StoreError : public std::runtime_error {
 public:
  explicit StoreError(const std::string& what, bool disk_full = false)
      : std::runtime_error(what), disk_full_(disk_full) {}
  // SQLITE_FULL: the disk (or the database's size limit) is full; nothing new was stored.
  bool disk_full() const { return disk_full_; }

 private:
  bool disk_full_;
};

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, double v);
  Statement& bind(int i, std::string_view v);  // text
  Statement& bind_blob(int i, std::string_view bytes);
  Statement& bind_null(int i);

  bool step();  // true while a row is available; throws on error
  void run();   // step to completion

  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  std::string blob(int col) const;
  bool is_null(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

class Database {
 public:
  enum class Mode { kReadWrite, kReadOnly };
  // Opens (creating) the file with WAL journaling and synchronous=FULL, so a committed
  // transaction survives a power cut. kReadOnly never creates, migrates or writes (tools
  // reading a running plugin's database).
  explicit Database(const std::filesystem::path& path, Mode mode = Mode::kReadWrite);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  int user_version();
  void set_user_version(int v);
  sqlite3* handle() { return db_; }

  // Runs `fn` inside BEGIN IMMEDIATE ... COMMIT; rolls back and rethrows on an exception.
  template <typename Fn>
  auto transaction(Fn&& fn) {
    exec("BEGIN IMMEDIATE");
    try {
      if constexpr (std::is_void_v<decltype(fn())>) {
        fn();
        exec("COMMIT");
      } else {
        auto result = fn();
        exec("COMMIT");
        return result;
      }
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace tempoload::plugin
