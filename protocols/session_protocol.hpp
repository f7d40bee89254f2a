// A session: its sets in order, each run by a SetProtocol constructed in place, with the rest
// between them counted down while the machine is unloaded (motor off). Pure: no I/O, no clock,
// no allocation in update().
//
// A set ended by reaching its target or by the idle timeout (e.g. a set to failure) is followed
// by its rest and the next set; a stop, a pain report above the limit, a pause too long or a
// fault ends the session. Every set's load is capped at min(its load, the plan's max_load_n,
// the machine's max_force_n), and so is every command.
#pragma once

#include <optional>

#include "protocols/session_plan.hpp"
#include "protocols/set_protocol.hpp"

namespace tempoload::protocols {

enum class SessionStage { kSet, kRest, kDone };

struct SessionUpdate {
  LoadCommand command;         // motor off during rest and after the session
  bool rep_completed = false;  // current_set()->tracker().last_rep() holds it
  bool set_finished = false;   // the set set_index() ended on this update
  bool finished = false;       // the session ended on this update
};

class SessionProtocol {
 public:
  // The plan must have at least one set (check_prescription); an empty plan is done at once.
  SessionProtocol(const SessionPlan& plan, const RangeOfMotion& rom, const MachineLimits& machine);

  SessionUpdate update(const MotionSample& s);
  // During a set: the set's ramped stop, and no further set. During rest: ends at once.
  void request_stop();
  void fault();           // force 0 at once, session over (reason kFault)
  bool request_pause();   // forwarded to the set under way
  bool request_resume();  // forwarded to the set under way
  // Forwarded to the set; during rest a report above the limit ends the session (kPain).
  bool report_pain(double score);
  // The athlete stops for pain: the set's pain stop (SetProtocol::request_stop_for_pain), or
  // during rest the session ends (kPain). No further set either way.
  void request_stop_for_pain(double score);
  void skip_rest();  // the next set starts with the next update

  SessionStage stage() const { return stage_; }
  int set_index() const { return index_; }  // 0-based: the set under way, or next after rest
  int set_count() const { return static_cast<int>(plan_.sets.size()); }
  int sets_finished() const { return sets_finished_; }
  double rest_remaining_s() const { return rest_remaining_s_; }  // as of the last update [s]
  const SetProtocol* current_set() const { return set_ ? &*set_ : nullptr; }
  // Why the session ended: the reason of the set that ended it (kTargetReached or kIdleTimeout
  // when every set ran), a stop during rest (kStopped), pain during rest (kPain), or kFault.
  EndReason end_reason() const { return reason_; }
  double capped_load_n(int index) const;  // the load set `index` runs at [N]

 private:
  void start_set(int index);
  void finish(EndReason reason);

  SessionPlan plan_;
  RangeOfMotion rom_;
  MachineLimits machine_;
  std::optional<SetProtocol> set_;
  SessionStage stage_ = SessionStage::kSet;
  EndReason reason_ = EndReason::kNone;
  int index_ = 0;
  int sets_finished_ = 0;
  bool stop_requested_ = false;
  bool finish_reported_ = false;
  bool rest_started_ = false;  // rest_until_t_s_ is set (from the first rest sample)
  bool skip_rest_ = false;
  double rest_until_t_s_ = 0;
  double rest_remaining_s_ = 0;
};

}  // namespace tempoload::protocols
