// Fans a session's events out to its subscribers (gRPC streams), keeping each session's durable
// events so a late subscriber gets them too: GuidanceHub's behaviour for any event message with
// a session_id(). publish() is called by a worker; subscribers must not block in deliver().
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace tempoload::plugin {

template <typename Event>
class EventSubscriber {
 public:
  virtual ~EventSubscriber() = default;
  // Called with the hub's lock held: copy and return.
  virtual void deliver(const Event& event) = 0;
};

template <typename Event>
class EventHub {
 public:
  static constexpr std::size_t kSessionsKept = 32;  // history of this many recent sessions

  void open_session(const std::string& id) {
    std::lock_guard lock(mutex_);
    if (sessions_.count(id)) return;
    sessions_[id];
    order_.push_back(id);
    while (order_.size() > kSessionsKept) {
      auto it = sessions_.find(order_.front());
      if (it != sessions_.end() && it->second.subscribers.empty()) sessions_.erase(it);
      order_.pop_front();
    }
  }
  bool knows(const std::string& id) const {
    std::lock_guard lock(mutex_);
    return sessions_.count(id) > 0;
  }
  // Delivers the session's history, then live events. False for an unknown session.
  bool subscribe(const std::string& id, EventSubscriber<Event>* s) {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return false;
    for (const auto& e : it->second.history) s->deliver(e);
    it->second.subscribers.push_back(s);
    return true;
  }
  // After it returns, deliver() is never called on `s` again.
  void unsubscribe(EventSubscriber<Event>* s) {
    std::lock_guard lock(mutex_);
    for (auto& [_, session] : sessions_) std::erase(session.subscribers, s);
  }
  void publish(const Event& event, bool durable) {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(event.session_id());
    if (it == sessions_.end()) return;
    if (durable) it->second.history.push_back(event);
    for (auto* s : it->second.subscribers) s->deliver(event);
  }

 private:
  struct Session {
    std::vector<Event> history;
    std::vector<EventSubscriber<Event>*> subscribers;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Session> sessions_;
  std::deque<std::string> order_;  // oldest first, for eviction
};

}  // namespace tempoload::plugin
