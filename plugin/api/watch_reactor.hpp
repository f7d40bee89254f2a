// One WatchSession stream: a GuidanceSubscriber that queues events and writes them one at a
// time. Ticks are thinned to the requested rate and dropped (counted) when the client reads
// slowly; reps, faults and the finished set are never dropped. Deletes itself when done.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <deque>
#include <mutex>

#include "plugin/session/guidance_hub.hpp"
#include "tempoload/v1/guided_session.pb.h"

namespace tempoload::plugin {

class WatchReactor final : public grpc::ServerWriteReactor<tempoload::v1::GuidanceEvent>,
                           public GuidanceSubscriber {
 public:
  static constexpr std::size_t kMaxQueuedTicks = 64;

  // Finishes with NOT_FOUND at once when the hub does not know the session.
  WatchReactor(GuidanceHub& hub, const std::string& session_id, double tick_rate_hz);

  void deliver(const tempoload::v1::GuidanceEvent& event) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  GuidanceHub& hub_;
  std::mutex mutex_;
  std::deque<tempoload::v1::GuidanceEvent> queue_;  // front is being written
  std::size_t queued_ticks_ = 0;
  bool writing_ = false;
  bool closing_ = false;   // the finished set is queued: finish after writing it
  bool finished_ = false;  // Finish() called
  std::chrono::steady_clock::duration tick_interval_;
  std::chrono::steady_clock::time_point last_tick_{};
};

}  // namespace tempoload::plugin
