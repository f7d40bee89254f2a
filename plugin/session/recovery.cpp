#include "plugin/session/recovery.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "plugin/session/proto_conversion.hpp"
#include "protocols/rep_metrics.hpp"

namespace tempoload::plugin {
namespace v1 = tempoload::v1;
namespace {

protocols::Verdict from_proto(v1::RepVerdict v) {
  switch (v) {
    case v1::REP_VERDICT_TOO_FAST:
      return protocols::Verdict::kTooFast;
    case v1::REP_VERDICT_TOO_SLOW:
      return protocols::Verdict::kTooSlow;
    case v1::REP_VERDICT_PARTIAL_RANGE:
      return protocols::Verdict::kPartialRange;
    default:
      return protocols::Verdict::kCounted;
  }
}

// The fields summarize() reads, back from a stored RepResult.
protocols::RepMetrics from_proto(const v1::RepResult& r) {
  protocols::RepMetrics m;
  m.index = static_cast<int>(r.index());
  m.verdict = r.counted() ? protocols::Verdict::kCounted : from_proto(r.verdict());
  if (!r.counted() && m.verdict == protocols::Verdict::kCounted)
    m.verdict = protocols::Verdict::kPartialRange;  // not counted, verdict unknown
  m.concentric_s = r.concentric_s();
  m.top_pause_s = r.top_pause_s();
  m.eccentric_s = r.eccentric_s();
  m.bottom_pause_s = r.bottom_pause_s();
  m.range_m = r.range_m();
  m.peak_force_left_n = r.peak_force_left_n();
  m.peak_force_right_n = r.peak_force_right_n();
  m.mean_force_left_n = r.mean_force_left_n();
  m.mean_force_right_n = r.mean_force_right_n();
  m.time_under_tension_s = r.time_under_tension_s();
  m.symmetry_index_pct = r.symmetry_index_pct();
  return m;
}

}  // namespace

std::vector<std::string> recover_interrupted_sessions(SessionStore& store, std::int64_t now) {
  std::vector<std::string> closed;
  for (const std::string& id : store.running_sessions()) {
    const auto report = store.load_report(id);
    if (!report) continue;
    std::vector<protocols::RepMetrics> reps;
    std::int64_t last_activity = report->started_at_unix_ms();
    for (const auto& set : report->sets())
      for (const auto& rep : set.reps()) {
        reps.push_back(from_proto(rep));
        last_activity = std::max(last_activity, rep.completed_at_unix_ms());
      }
    last_activity = std::min(last_activity, now);
    store.add_fault(id, "interrupted",
                    "the plugin stopped mid-set (crash or power loss); closed on restart",
                    last_activity, now);
    SessionEnd end;
    end.interrupted = true;
    // The load was on from the start until the crash, as far as anyone can tell now.
    end.loaded_ms = last_activity - report->started_at_unix_ms();
    const auto summary = to_proto(protocols::summarize(reps), kInterruptedEndReason);
    store.finish_session(id, summary, last_activity, end);
    spdlog::warn(
        "session {} was left running by a restart: closed with {} of {} reps counted, "
        "report queued",
        id, summary.reps_counted(), summary.reps_attempted());
    closed.push_back(id);
  }
  return closed;
}

}  // namespace tempoload::plugin
