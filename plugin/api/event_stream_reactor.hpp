// One server-streaming call fed by an EventHub: queues events and writes them one at a time.
// Ticks (Traits::is_tick) are thinned to the requested rate and dropped when the client reads
// slowly; every other event is kept; the stream finishes after the event Traits::is_last.
// WatchReactor's behaviour for any event type. Deletes itself when done.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <string>

#include "plugin/session/event_hub.hpp"

namespace tempoload::plugin {

template <typename Event, typename Traits>
class EventStreamReactor final : public grpc::ServerWriteReactor<Event>,
                                 public EventSubscriber<Event> {
 public:
  static constexpr std::size_t kMaxQueuedTicks = 64;

  // Finishes with NOT_FOUND at once when the hub does not know the session.
  EventStreamReactor(EventHub<Event>& hub, const std::string& session_id, double tick_rate_hz)
      : hub_(hub),
        tick_interval_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(1.0 / tick_rate_hz))) {
    if (!hub_.subscribe(session_id, this)) {
      std::lock_guard lock(mutex_);
      finished_ = true;
      this->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND,
                                "session_id: no session '" + session_id + "' on this machine"));
    }
  }

  void deliver(const Event& event) override {
    std::lock_guard lock(mutex_);
    if (finished_ || closing_) return;
    if (Traits::is_tick(event)) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_tick_ < tick_interval_ || queued_ticks_ >= kMaxQueuedTicks) return;
      last_tick_ = now;
      ++queued_ticks_;
    }
    queue_.push_back(event);
    if (Traits::is_last(event)) closing_ = true;
    if (!writing_) {
      writing_ = true;
      this->StartWrite(&queue_.front());
    }
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mutex_);
    if (Traits::is_tick(queue_.front())) --queued_ticks_;
    queue_.pop_front();
    if (!ok) {  // the client went away
      writing_ = false;
      if (!finished_) {
        finished_ = true;
        this->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "stream closed by the client"));
      }
      return;
    }
    if (!queue_.empty()) {
      this->StartWrite(&queue_.front());
      return;
    }
    writing_ = false;
    if (closing_ && !finished_) {
      finished_ = true;
      this->Finish(grpc::Status::OK);
    }
  }

  void OnCancel() override {
    std::lock_guard lock(mutex_);
    if (!finished_ && !writing_) {
      finished_ = true;
      this->Finish(grpc::Status::CANCELLED);
    }
  }

  void OnDone() override {
    hub_.unsubscribe(this);
    delete this;
  }

 private:
  EventHub<Event>& hub_;
  std::mutex mutex_;
  std::deque<Event> queue_;  // front is being written
  std::size_t queued_ticks_ = 0;
  bool writing_ = false;
  bool closing_ = false;
  bool finished_ = false;
  std::chrono::steady_clock::duration tick_interval_;
  std::chrono::steady_clock::time_point last_tick_{};
};

}  // namespace tempoload::plugin
