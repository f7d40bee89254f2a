#include "sim/gym/route_helpers.hpp"

#include <algorithm>
#include <cctype>

namespace tempoload::gym {

using nlohmann::json;

GymResponse json_response(int status, const json& body) {
  GymResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

GymResponse method_not_allowed(const GymRequest& req, const std::string& path,
                               const std::string& allowed) {
  GymResponse r = error_response(
      405, "method " + req.method + " not allowed on " + path + "; allowed: " + allowed);
  r.headers.emplace_back("Allow", allowed);
  return r;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      return std::nullopt;
    }
    out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

bool is_json_content_type(const std::optional<std::string>& value) {
  if (!value) return false;
  std::string media = value->substr(0, value->find(';'));
  media.erase(
      std::remove_if(media.begin(), media.end(), [](unsigned char c) { return std::isspace(c); }),
      media.end());
  std::transform(media.begin(), media.end(), media.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return media == "application/json";
}

std::string check_idempotency_key(const std::optional<std::string>& key) {
  if (!key || key->empty()) return "Idempotency-Key header required";
  if (key->size() > kMaxIdempotencyKeyChars) {
    return "Idempotency-Key header longer than " + std::to_string(kMaxIdempotencyKeyChars) +
           " characters";
  }
  for (unsigned char c : *key) {
    if (c < 0x20 || c > 0x7e) return "Idempotency-Key header must be printable ASCII";
  }
  return {};
}

}  // namespace tempoload::gym
