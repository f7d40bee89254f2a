// Which roles may call which rpc. One table for the whole API, enforced before any handler
// runs (TokenAuthProcessor); an rpc missing from the table is refused to everybody.
#pragma once

#include <string_view>

#include "plugin/auth/token_store.hpp"

namespace tempoload::plugin {

enum class Access { kPublic, kAllowed, kDenied };

// `method` is the gRPC path, e.g. "/tempoload.v1.GuidedSession/StartSet".
Access access_for(std::string_view method, Role role);
bool is_public(std::string_view method);  // health checks and reflection

}  // namespace tempoload::plugin
