// Whose data a call may see, from its authenticated caller (caller_of()):
//   no caller (the loopback or go-plugin listener: the machine's own host) and role host: all;
//   coach: only the athletes on the coach's token (another athlete is PERMISSION_DENIED, lists
//   are filtered);
//   athlete: only themselves (the token's id is the athlete id);
//   operator: machine and usage data and athlete ids, no training detail (reports, reps,
//   prescriptions, tests, trends).
// Which rpcs a role may call at all is access_policy.cpp; this is the per-athlete part inside
// the handlers. docs/security.md.
#pragma once

#include <grpcpp/grpcpp.h>

#include <optional>
#include <string>
#include <vector>

#include "plugin/auth/token_store.hpp"

namespace tempoload::plugin {

class CallerScope {
 public:
  static CallerScope of(const grpc::ServerContextBase& ctx);
  static CallerScope machine_host() { return CallerScope(std::nullopt); }
  explicit CallerScope(std::optional<Caller> caller) : caller_(std::move(caller)) {}

  // True for the machine's host (no caller, or a host token): every athlete.
  bool sees_all() const;
  bool may_see(const std::string& athlete_id) const;
  // OK, or PERMISSION_DENIED naming `field` and the caller, e.g. "athlete_id: coach-anna may not
  // see athlete 'bob'".
  grpc::Status check(const std::string& field, const std::string& athlete_id) const;
  // Training detail (reports, reps, prescriptions, tests, trends): everyone but operators.
  bool sees_training_detail() const;
  // The athletes a list is filtered to; nullopt = all.
  std::optional<std::vector<std::string>> athletes() const;
  // Who, for audit logs: the token id, or "host" for the machine's own listener.
  std::string actor() const;
  const std::optional<Caller>& caller() const { return caller_; }

 private:
  std::optional<Caller> caller_;
};

}  // namespace tempoload::plugin
