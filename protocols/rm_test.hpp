// RM test on the machine: find the load for a target RM (3-6RM) at the prescribed tempo. A state
// machine that consumes set outcomes (reps counted to failure at a load) and decides the next
// load; the sets themselves run as SetProtocols, with rest_s unloaded between them. Pure.
//
// Ladder: the first attempt is start_fraction x the estimated target load. After an attempt of r
// reps at load L, the Epley estimate of the target load is L (1 + r/30) / (1 + n/30); the next
// load moves towards it by at least min_step_fraction and at most max_step_fraction of L (and at
// most max_step_n up), never above the machine or prescription limit.
// Ends: r == n (found: L); r < n after an attempt that reached n or more (found: the heaviest load
// that reached n, conservative); attempts used up (not found: the heaviest load that reached n,
// else an Epley estimate from the last attempt); more than n reps at the highest allowed load
// (not found: the limit is below the target load).
#pragma once

#include <string>

namespace tempoload::protocols {

struct RmTestSpec {
  int target_rm = 6;
  double estimated_load_n = 0;      // best guess of the target-RM load (estimate, last test) [N]
  double start_fraction = 0.8;      // first attempt at this fraction of the estimate
  double min_step_fraction = 0.02;  // ACSM 2-10% increments (PROTOCOLS.md section 5)
  double max_step_fraction = 0.10;
  double max_step_n = 150;  // never more than this up in one step [N]
  int max_attempts = 5;
  double rest_s = 180;    // between attempts, unloaded [s]
  double max_load_n = 0;  // min(machine limit, prescription max) [N]; must be > 0
};

// Which rule ended the test (the header comment lists them).
enum class RmTestEnd {
  kNone,
  kRefused,          // no positive estimate, limit, target or attempts
  kTargetReached,    // r == n
  kBelowTarget,      // r < n after an attempt that reached n
  kLimitTooLow,      // more than n reps at the highest allowed load
  kAttemptsUsedUp,   // with a load that reached n
  kAttemptsEstimate  // without one: Epley from the last attempt
};

// Plain data (it crosses out of the control loop); how() words it.
struct RmTestResult {
  bool found = false;
  double load_n = 0;  // the target-RM load (or the best safe answer when not found) [N]
  int attempts = 0;
  RmTestEnd end = RmTestEnd::kNone;
  int target_rm = 0;
  int last_reps = 0;       // reps of the attempt that ended the test
  double last_load_n = 0;  // its load [N]
  double max_load_n = 0;   // the limit [N]
  // Which rule ended the test, with numbers, e.g. "6 reps at 1660 N: target 6RM" (allocates).
  std::string how() const;
};

class RmTest {
 public:
  explicit RmTest(const RmTestSpec& spec);

  bool done() const { return done_; }
  double next_load_n() const { return next_load_n_; }  // load of the attempt to run next [N]
  int attempt() const { return attempts_ + 1; }        // 1-based number of that attempt
  double rest_before_next_s() const { return attempts_ == 0 ? 0 : spec_.rest_s; }
  // The outcome of the attempt at next_load_n(): reps counted before failure.
  void record(int reps_done);
  const RmTestResult& result() const { return result_; }  // valid once done()

 private:
  void finish(bool found, double load_n, RmTestEnd end, int reps, double at_n);

  RmTestSpec spec_;
  double next_load_n_ = 0;
  int attempts_ = 0;
  bool done_ = false;
  double best_reached_n_ = -1;  // heaviest load at which the target was reached [N]
  RmTestResult result_;
};

}  // namespace tempoload::protocols
