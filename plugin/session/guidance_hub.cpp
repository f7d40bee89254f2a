#include "plugin/session/guidance_hub.hpp"

#include <algorithm>

namespace tempoload::plugin {

void GuidanceHub::open_session(const std::string& id) {
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

bool GuidanceHub::knows(const std::string& id) const {
  std::lock_guard lock(mutex_);
  return sessions_.count(id) > 0;
}

GuidanceHub::Subscribed GuidanceHub::subscribe(const std::string& id, GuidanceSubscriber* s) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return Subscribed::kUnknownSession;
  std::size_t n = 0;
  for (const auto& [_, session] : sessions_) n += session.subscribers.size();
  if (n >= kMaxSubscribers) return Subscribed::kFull;
  for (const auto& e : it->second.history) s->deliver(e);
  it->second.subscribers.push_back(s);
  return Subscribed::kOk;
}

void GuidanceHub::unsubscribe(GuidanceSubscriber* s) {
  std::lock_guard lock(mutex_);
  for (auto& [_, session] : sessions_) std::erase(session.subscribers, s);
}

void GuidanceHub::publish(const tempoload::v1::GuidanceEvent& event, bool durable) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(event.session_id());
  if (it == sessions_.end()) return;
  if (durable) it->second.history.push_back(event);
  for (auto* s : it->second.subscribers) s->deliver(event);
}

std::size_t GuidanceHub::subscriber_count() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [_, session] : sessions_) n += session.subscribers.size();
  return n;
}

}  // namespace tempoload::plugin
