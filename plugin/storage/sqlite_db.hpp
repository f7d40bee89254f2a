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
  using std::runtime_error::runtime_error;
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
  // Opens (creating) the file with WAL journaling and synchronous=FULL, so a committed
  // transaction survives a power cut.
  explicit Database(const std::filesystem::path& path);
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
