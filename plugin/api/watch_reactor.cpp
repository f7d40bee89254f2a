#include "plugin/api/watch_reactor.hpp"

namespace tempoload::plugin {

WatchReactor::WatchReactor(GuidanceHub& hub, const std::string& session_id, double tick_rate_hz)
    : hub_(hub),
      tick_interval_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(1.0 / tick_rate_hz))) {
  const auto subscribed = hub_.subscribe(session_id, this);
  if (subscribed != GuidanceHub::Subscribed::kOk) {
    std::lock_guard lock(mutex_);
    finished_ = true;
    Finish(subscribed == GuidanceHub::Subscribed::kFull
               ? grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                              "too many watch streams (at most " +
                                  std::to_string(GuidanceHub::kMaxSubscribers) +
                                  "): close one and retry")
               : grpc::Status(grpc::StatusCode::NOT_FOUND,
                              "session_id: no session '" + session_id + "' on this machine"));
  }
}

void WatchReactor::deliver(const tempoload::v1::GuidanceEvent& event) {
  std::lock_guard lock(mutex_);
  if (finished_ || closing_) return;
  // Ticks at the requested rate at most; the final one ("done": unloaded) always goes out.
  if (event.has_tick() && event.tick().stage() != "done") {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_tick_ < tick_interval_ || queued_ticks_ >= kMaxQueuedTicks) return;
    last_tick_ = now;
    ++queued_ticks_;
  }
  queue_.push_back(event);
  if (event.has_session_finished()) closing_ = true;  // the last event of every session
  if (!writing_) {
    writing_ = true;
    StartWrite(&queue_.front());
  }
}

void WatchReactor::OnWriteDone(bool ok) {
  std::lock_guard lock(mutex_);
  if (queue_.front().has_tick()) --queued_ticks_;
  queue_.pop_front();
  if (!ok) {  // the client went away
    writing_ = false;
    if (!finished_) {
      finished_ = true;
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "stream closed by the client"));
    }
    return;
  }
  if (!queue_.empty()) {
    StartWrite(&queue_.front());
    return;
  }
  writing_ = false;
  if (closing_ && !finished_) {
    finished_ = true;
    Finish(grpc::Status::OK);
  }
}

void WatchReactor::OnCancel() {
  std::lock_guard lock(mutex_);
  if (!finished_ && !writing_) {
    finished_ = true;
    Finish(grpc::Status::CANCELLED);
  }
}

void WatchReactor::OnDone() {
  hub_.unsubscribe(this);
  delete this;
}

}  // namespace tempoload::plugin
