// Small pieces shared by the gym server's route handlers (gym_routes.cpp, sync_routes.cpp).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "sim/gym/gym_routes.hpp"

namespace tempoload::gym {

GymResponse json_response(int status, const nlohmann::json& body);
GymResponse method_not_allowed(const GymRequest& req, const std::string& path,
                               const std::string& allowed);
// Percent-decodes one path segment; nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view s);
bool is_json_content_type(const std::optional<std::string>& value);
// Empty when the key is acceptable, else the 400 message.
std::string check_idempotency_key(const std::optional<std::string>& key);

}  // namespace tempoload::gym
