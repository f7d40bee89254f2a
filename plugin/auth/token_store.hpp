// Caller tokens for the remote gRPC listener: an operator issues a token for a person and a
// role; the plugin keeps only the token's SHA-256 in a JSON file, so a leaked file grants
// nothing. Revoking marks the entry; the file is re-read when it changes. docs/security.md.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tempoload::plugin {

// kAthlete: the token's id is the athlete's id; such a caller sees only their own data.
enum class Role { kHost, kCoach, kOperator, kAthlete };
const char* to_string(Role r);
std::optional<Role> role_from_string(const std::string& s);

struct Caller {
  std::string id;  // who, e.g. "coach-anna"
  Role role = Role::kHost;
  std::vector<std::string> athletes;  // a coach's athletes; empty for other roles
};

class TokenFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class TokenStore {
 public:
  // Loads the file (a missing file is an empty store); throws TokenFileError naming the entry.
  explicit TokenStore(std::filesystem::path path);

  // The caller a token belongs to, unless unknown or revoked. Re-reads the file when its
  // modification time changed (revocations take effect without a restart).
  std::optional<Caller> authenticate(const std::string& token);

  // Creates a token for `caller` and saves its hash; returns the token (shown once).
  std::string issue(const Caller& caller);
  // Marks every token of `id` revoked; returns how many were.
  int revoke(const std::string& id);
  std::vector<std::pair<Caller, bool>> list();  // (caller, revoked)

 private:
  struct Entry {
    Caller caller;
    std::string sha256_hex;
    bool revoked = false;
    std::string issued_at;
  };
  void load_locked();
  void save_locked();
  void reload_if_changed_locked();

  std::filesystem::path path_;
  std::mutex mutex_;
  std::vector<Entry> entries_;
  std::filesystem::file_time_type loaded_mtime_{};
};

std::string sha256_hex(const std::string& data);

}  // namespace tempoload::plugin
