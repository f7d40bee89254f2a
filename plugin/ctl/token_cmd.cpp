#include "plugin/ctl/token_cmd.hpp"
#include "plugin/ctl/exit_codes.hpp"

#include <iostream>
#include <memory>

#include "plugin/auth/token_store.hpp"

namespace tempoload::ctl {
namespace {

struct TokenArgs {
  std::string file = "tokens.json";
  std::string id;
  std::string role;
  std::vector<std::string> athletes;
};

}  // namespace

std::vector<CtlCommand> add_token_commands(CLI::App& app) {
  auto args = std::make_shared<TokenArgs>();
  auto* token = app.add_subcommand("token", "issue, revoke and list caller tokens (operators)");
  token->require_subcommand(1);

  auto* issue = token->add_subcommand("issue", "issue a token; it is printed once, only its hash is kept");
  issue->add_option("--tokens", args->file, "the plugin's tokens file")->capture_default_str();
  issue->add_option("--id", args->id, "who the token is for, e.g. coach-anna")->required();
  issue->add_option("--role", args->role, "host, coach, operator or athlete (id = the athlete id)")
      ->required()
      ->check(CLI::IsMember({"host", "coach", "operator", "athlete"}));
  issue->add_option("--athlete", args->athletes, "a coach's athlete (repeat for each)");

  auto* revoke = token->add_subcommand("revoke", "revoke every token of an id (effective at once)");
  revoke->add_option("--tokens", args->file, "the plugin's tokens file")->capture_default_str();
  revoke->add_option("--id", args->id, "whose tokens")->required();

  auto* list = token->add_subcommand("list", "list token holders and whether revoked");
  list->add_option("--tokens", args->file, "the plugin's tokens file")->capture_default_str();

  CtlCommand c;
  c.subcommand = token;
  c.run = [args, issue, revoke, list]() -> int {
    plugin::TokenStore store(args->file);
    if (*issue) {
      plugin::Caller caller{args->id, *plugin::role_from_string(args->role), args->athletes};
      std::cout << store.issue(caller) << "\n";
      std::cerr << "token for " << args->id << " (" << args->role
                << ") issued; give it to them now, it is not shown again\n";
      return 0;
    }
    if (*revoke) {
      const int n = store.revoke(args->id);
      if (n == 0) {
        std::cerr << "no active token for '" << args->id << "' in " << args->file << "\n";
        return ctl::kExitNotFound;
      }
      std::cout << "revoked " << n << " token(s) of " << args->id << "\n";
      return 0;
    }
    if (*list) {
      for (const auto& [caller, revoked] : store.list()) {
        std::cout << caller.id << "  " << plugin::to_string(caller.role);
        for (const auto& a : caller.athletes) std::cout << "  " << a;
        std::cout << (revoked ? "  (revoked)" : "") << "\n";
      }
      return 0;
    }
    return ctl::kExitUsage;
  };
  return {c};
}

}  // namespace tempoload::ctl
