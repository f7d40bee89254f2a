// The RM test run on the machine: attempts as sets to failure at the loads RmTest decides, each
// at the prescribed tempo with the load ramped on, and rest_s unloaded (motor off) between them.
// Pure: no I/O, no clock, no allocation in update().
//
// An attempt is a SetProtocol with reps = target_rm + kRmExtraReps: more reps than the target
// tell RmTest the load is light without exhausting the athlete, and the set ends by the idle
// timeout when they cannot lift again. Counted reps are the attempt's result.
#pragma once

#include <optional>

#include "protocols/rm_test.hpp"
#include "protocols/set_protocol.hpp"

namespace tempoload::protocols {

inline constexpr int kRmExtraReps = 5;

struct RmTestSessionSpec {
  RmTestSpec test;
  SetSpec attempt;  // tempo, idle timeout, ramp, pain limit; reps and load are set per attempt
};

enum class RmStage { kAttempt, kRest, kDone };

struct RmTestUpdate {
  LoadCommand command;
  bool rep_completed = false;     // current_set()->tracker().last_rep()
  bool attempt_finished = false;  // last_attempt_*() hold it
  bool finished = false;          // test() is done (reported once)
};

class RmTestSession {
 public:
  RmTestSession(const RmTestSessionSpec& spec, const RangeOfMotion& rom);

  RmTestUpdate update(const MotionSample& s);
  void request_stop();  // ramped stop of the attempt under way; no further attempt
  void fault();
  bool request_pause() { return stage_ == RmStage::kAttempt && set_->request_pause(); }
  bool request_resume() { return stage_ == RmStage::kAttempt && set_->request_resume(); }
  void request_stop_for_pain(double score);

  RmStage stage() const { return stage_; }
  int attempt() const { return test_.attempt(); }  // under way, or next after rest (1-based)
  double attempt_load_n() const { return load_n_; }
  double rest_remaining_s() const { return rest_remaining_s_; }
  const SetProtocol* current_set() const { return set_ ? &*set_ : nullptr; }
  const RmTest& test() const { return test_; }
  int attempts_finished() const { return attempts_finished_; }
  int max_attempts() const { return spec_.test.max_attempts; }
  int last_attempt_reps() const { return last_reps_; }
  double last_attempt_load_n() const { return last_load_n_; }
  EndReason last_attempt_end() const { return last_end_; }
  // kTargetReached when the test ran to its answer; else why it stopped early.
  EndReason end_reason() const { return reason_; }

 private:
  void start_attempt();
  void finish(EndReason reason);

  RmTestSessionSpec spec_;
  RangeOfMotion rom_;
  RmTest test_;
  std::optional<SetProtocol> set_;
  RmStage stage_ = RmStage::kAttempt;
  EndReason reason_ = EndReason::kNone;
  bool stop_requested_ = false;
  bool finish_reported_ = false;
  bool rest_started_ = false;
  double rest_until_t_s_ = 0;
  double rest_remaining_s_ = 0;
  double load_n_ = 0;
  int attempts_finished_ = 0;
  int last_reps_ = 0;
  double last_load_n_ = 0;
  EndReason last_end_ = EndReason::kNone;
};

}  // namespace tempoload::protocols
