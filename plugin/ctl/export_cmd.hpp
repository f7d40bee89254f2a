// tempoloadctl export: sessions, reps or one set's raw samples from a plugin database (opened
// read-only) as CSV (header row, RFC 4180 quoting) or JSON, on stdout.
#pragma once

#include <ostream>
#include <string>

namespace tempoload::ctl {

struct ExportArgs {
  std::string db;
  std::string session;  // "" = every session (sessions, reps); required for samples
  int set_index = 1;
  std::string format = "csv";     // csv | json
  std::string what = "sessions";  // sessions | reps | samples
};

// Returns the exit code; errors (unknown session, pruned samples, bad database) go to `err`.
int run_export(const ExportArgs& args, std::ostream& out, std::ostream& err);

}  // namespace tempoload::ctl
