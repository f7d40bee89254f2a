// Which prescription an athlete runs on this machine: the gym server's current version
// (fetched with a short timeout, then cached), a coach's newer edit made here, or, when the
// gym server cannot be reached, the cached copy. Rules: docs/storage.md, "prescription sync".
#pragma once

#include <string>

#include "plugin/storage/prescription_store.hpp"
#include "tempoload/v1/sync.pb.h"

namespace tempoload::plugin {

struct PrescriptionSyncOptions {
  std::string gym_url;     // "" = no gym server: cached copies and local edits only
  std::string ca_file;     // for https
  double timeout_s = 2.0;  // the fetch, connect to last byte [s]: an athlete is waiting
};

struct ResolvedPrescription {
  enum class Status { kOk, kNotFound, kUnavailable };
  Status status = Status::kOk;
  std::string error;  // when not kOk: names the athlete and why
  tempoload::v1::AssignedPrescription prescription;
  tempoload::v1::PrescriptionOrigin origin;
};

class PrescriptionSync {
 public:
  PrescriptionSync(PrescriptionStore& store, PrescriptionSyncOptions options)
      : store_(store), options_(std::move(options)) {}

  // Thread-safe; blocks for at most options.timeout_s plus local SQLite work.
  ResolvedPrescription resolve(const std::string& athlete_id);

 private:
  PrescriptionStore& store_;
  PrescriptionSyncOptions options_;
};

// What the athlete hears about where the prescription came from ("" for SOURCE_REQUEST), e.g.
// "prescription v3 from this machine's cached copy (gym server unreachable)".
std::string origin_cue(const tempoload::v1::PrescriptionOrigin& origin);

}  // namespace tempoload::plugin
