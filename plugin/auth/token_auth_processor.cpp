#include "plugin/auth/token_auth_processor.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>

#include "plugin/auth/access_policy.hpp"

namespace tempoload::plugin {

grpc::Status TokenAuthProcessor::Process(const InputMetadata& md, grpc::AuthContext* context,
                                         OutputMetadata* consumed, OutputMetadata*) {
  const auto path_it = md.find(":path");
  const std::string method =
      path_it == md.end() ? "" : std::string(path_it->second.data(), path_it->second.size());
  if (is_public(method)) return grpc::Status::OK;

  const auto auth_it = md.find("authorization");
  std::string token;
  if (auth_it != md.end()) {
    const std::string value(auth_it->second.data(), auth_it->second.size());
    if (value.rfind("Bearer ", 0) == 0) token = value.substr(7);
    consumed->insert({"authorization", value});  // never passed on to handlers or logs
  }
  const auto caller = tokens_.authenticate(token);
  if (!caller) {
    spdlog::warn("refused {}: {}", method, token.empty() ? "no bearer token" : "unknown or revoked token");
    return {grpc::StatusCode::UNAUTHENTICATED,
            token.empty() ? "missing 'authorization: Bearer <token>'" : "unknown or revoked token"};
  }
  if (access_for(method, caller->role) != Access::kAllowed) {
    spdlog::warn("refused {} to {} (role {})", method, caller->id, to_string(caller->role));
    return {grpc::StatusCode::PERMISSION_DENIED,
            std::string("role ") + to_string(caller->role) + " may not call " + method};
  }
  if (limiter_) {
    const double now_s = std::chrono::duration<double>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count();
    if (!limiter_->allow(caller->id, now_s)) {
      spdlog::warn("refused {} to {}: over the request rate", method, caller->id);
      const auto& l = limiter_->limit();
      char message[128];
      std::snprintf(message, sizeof message,
                    "rate limit: at most %g requests/s per caller (burst %g); retry later",
                    l.per_second, l.burst);
      return {grpc::StatusCode::RESOURCE_EXHAUSTED, message};
    }
  }
  context->AddProperty(kCallerProperty, caller->id);
  context->AddProperty(kRoleProperty, to_string(caller->role));
  for (const auto& a : caller->athletes) context->AddProperty("tempoload-athlete", a);
  return grpc::Status::OK;
}

std::optional<Caller> caller_of(const grpc::ServerContextBase& ctx) {
  const auto auth = ctx.auth_context();
  if (!auth) return std::nullopt;
  const auto ids = auth->FindPropertyValues(kCallerProperty);
  const auto roles = auth->FindPropertyValues(kRoleProperty);
  if (ids.empty() || roles.empty()) return std::nullopt;
  Caller c;
  c.id.assign(ids.front().data(), ids.front().size());
  c.role = role_from_string(std::string(roles.front().data(), roles.front().size()))
               .value_or(Role::kHost);
  for (const auto& a : auth->FindPropertyValues("tempoload-athlete")) c.athletes.emplace_back(a.data(), a.size());
  return c;
}

}  // namespace tempoload::plugin
