#include "plugin/auth/caller_scope.hpp"

#include <algorithm>

#include "plugin/auth/token_auth_processor.hpp"

namespace tempoload::plugin {

CallerScope CallerScope::of(const grpc::ServerContextBase& ctx) {
  return CallerScope(caller_of(ctx));
}

bool CallerScope::sees_all() const { return !caller_ || caller_->role == Role::kHost; }

bool CallerScope::sees_training_detail() const {
  return !caller_ || caller_->role != Role::kOperator;
}

bool CallerScope::may_see(const std::string& athlete_id) const {
  if (sees_all()) return true;
  switch (caller_->role) {
    case Role::kCoach:
      return std::find(caller_->athletes.begin(), caller_->athletes.end(), athlete_id) !=
             caller_->athletes.end();
    case Role::kAthlete:
      return caller_->id == athlete_id;
    default:
      return false;
  }
}

grpc::Status CallerScope::check(const std::string& field, const std::string& athlete_id) const {
  if (may_see(athlete_id)) return grpc::Status::OK;
  return {grpc::StatusCode::PERMISSION_DENIED, field + ": " + to_string(caller_->role) + " " +
                                                   caller_->id + " may not see athlete '" +
                                                   athlete_id + "'"};
}

std::optional<std::vector<std::string>> CallerScope::athletes() const {
  if (sees_all()) return std::nullopt;
  switch (caller_->role) {
    case Role::kCoach:
      return caller_->athletes;
    case Role::kAthlete:
      return std::vector<std::string>{caller_->id};
    default:
      return std::vector<std::string>{};
  }
}

std::string CallerScope::actor() const { return caller_ ? caller_->id : "host"; }

}  // namespace tempoload::plugin
