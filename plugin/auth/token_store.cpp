#include "plugin/auth/token_store.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace tempoload::plugin {
namespace {

using json = nlohmann::json;

std::string hex(const unsigned char* data, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 0xf];
  }
  return out;
}

std::string now_iso8601() {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace

const char* to_string(Role r) {
  switch (r) {
    case Role::kHost: return "host";
    case Role::kCoach: return "coach";
    case Role::kOperator: return "operator";
    case Role::kAthlete: return "athlete";
  }
  return "?";
}

std::optional<Role> role_from_string(const std::string& s) {
  if (s == "host") return Role::kHost;
  if (s == "coach") return Role::kCoach;
  if (s == "operator") return Role::kOperator;
  if (s == "athlete") return Role::kAthlete;
  return std::nullopt;
}

std::string sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), digest, &n, EVP_sha256(), nullptr);
  return hex(digest, n);
}

TokenStore::TokenStore(std::filesystem::path path) : path_(std::move(path)) {
  std::lock_guard lock(mutex_);
  load_locked();
}

void TokenStore::load_locked() {
  entries_.clear();
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) return;
  loaded_mtime_ = std::filesystem::last_write_time(path_, ec);
  std::ifstream in(path_);
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw TokenFileError(path_.string() + ": not valid JSON: " + e.what());
  }
  if (!j.is_object() || !j.contains("tokens") || !j["tokens"].is_array())
    throw TokenFileError(path_.string() + ": expected {\"tokens\": [...]}");
  for (std::size_t i = 0; i < j["tokens"].size(); ++i) {
    const json& t = j["tokens"][i];
    const std::string where = path_.string() + ": tokens[" + std::to_string(i) + "]";
    try {
      Entry e;
      e.caller.id = t.at("id").get<std::string>();
      const auto role = role_from_string(t.at("role").get<std::string>());
      if (!role) throw TokenFileError(where + ".role: expected host, coach, operator or athlete");
      e.caller.role = *role;
      if (t.contains("athletes")) e.caller.athletes = t["athletes"].get<std::vector<std::string>>();
      e.sha256_hex = t.at("sha256").get<std::string>();
      if (e.sha256_hex.size() != 64) throw TokenFileError(where + ".sha256: expected 64 hex digits");
      e.revoked = t.value("revoked", false);
      e.issued_at = t.value("issued_at", "");
      entries_.push_back(std::move(e));
    } catch (const json::exception& ex) {
      throw TokenFileError(where + ": " + ex.what());
    }
  }
}

void TokenStore::save_locked() {
  json j;
  j["tokens"] = json::array();
  for (const auto& e : entries_)
    j["tokens"].push_back({{"id", e.caller.id},
                           {"role", to_string(e.caller.role)},
                           {"athletes", e.caller.athletes},
                           {"sha256", e.sha256_hex},
                           {"revoked", e.revoked},
                           {"issued_at", e.issued_at}});
  // Write beside, then rename: a crash never leaves a half-written file.
  const auto tmp = path_.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out) throw TokenFileError(tmp + ": cannot write");
  }
  std::filesystem::rename(tmp, path_);
  std::error_code ec;
  loaded_mtime_ = std::filesystem::last_write_time(path_, ec);
}

void TokenStore::reload_if_changed_locked() {
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(path_, ec);
  if (!ec && mtime != loaded_mtime_) {
    try {
      load_locked();
    } catch (const TokenFileError&) {
      // A broken edit must not lock everybody out or let anybody in: keep the last good set.
    }
  }
}

std::optional<Caller> TokenStore::authenticate(const std::string& token) {
  if (token.empty()) return std::nullopt;
  const std::string h = sha256_hex(token);
  std::lock_guard lock(mutex_);
  reload_if_changed_locked();
  for (const auto& e : entries_)
    if (e.sha256_hex == h) return e.revoked ? std::nullopt : std::optional<Caller>(e.caller);
  return std::nullopt;
}

std::string TokenStore::issue(const Caller& caller) {
  unsigned char random[32];
  if (RAND_bytes(random, sizeof random) != 1) throw TokenFileError("no randomness for a token");
  const std::string token = "tl_" + hex(random, sizeof random);
  std::lock_guard lock(mutex_);
  reload_if_changed_locked();
  entries_.push_back(Entry{caller, sha256_hex(token), false, now_iso8601()});
  save_locked();
  return token;
}

int TokenStore::revoke(const std::string& id) {
  std::lock_guard lock(mutex_);
  reload_if_changed_locked();
  int n = 0;
  for (auto& e : entries_)
    if (e.caller.id == id && !e.revoked) {
      e.revoked = true;
      ++n;
    }
  if (n > 0) save_locked();
  return n;
}

std::vector<std::pair<Caller, bool>> TokenStore::list() {
  std::lock_guard lock(mutex_);
  reload_if_changed_locked();
  std::vector<std::pair<Caller, bool>> out;
  for (const auto& e : entries_) out.emplace_back(e.caller, e.revoked);
  return out;
}

}  // namespace tempoload::plugin
