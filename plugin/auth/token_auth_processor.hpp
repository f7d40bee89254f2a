// Authenticates every call on the TLS listener: "authorization: Bearer <token>" must belong to
// an unrevoked token (UNAUTHENTICATED otherwise) whose role may call the rpc (PERMISSION_DENIED
// otherwise), before any handler runs. The caller's id and role go into the AuthContext
// ("tempoload-caller", "tempoload-role") for handlers that scope data to a caller.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/auth_metadata_processor.h>

#include <optional>

#include "plugin/auth/rate_limiter.hpp"
#include "plugin/auth/token_store.hpp"

namespace tempoload::plugin {

inline constexpr const char* kCallerProperty = "tempoload-caller";
inline constexpr const char* kRoleProperty = "tempoload-role";

class TokenAuthProcessor final : public grpc::AuthMetadataProcessor {
 public:
  // `limiter` (may be null): requests per caller; over it, RESOURCE_EXHAUSTED.
  explicit TokenAuthProcessor(TokenStore& tokens, RateLimiter* limiter = nullptr)
      : tokens_(tokens), limiter_(limiter) {}
  bool IsBlocking() const override { return false; }  // in-memory look-up
  grpc::Status Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

 private:
  TokenStore& tokens_;
  RateLimiter* limiter_;
};

// The authenticated caller of a call, or nullopt on a listener without authentication (the
// loopback daemon listener and the go-plugin host's, which are the machine's own host).
std::optional<Caller> caller_of(const grpc::ServerContextBase& ctx);

}  // namespace tempoload::plugin
