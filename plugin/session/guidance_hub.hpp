// Fans guidance events out to the subscribers of a session (gRPC streams). Keeps each
// session's durable events (reps, faults, the finished set) so a late subscriber gets them
// too. publish() is called by the session worker; subscribers must not block in deliver().
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "tempoload/v1/guided_session.pb.h"

namespace tempoload::plugin {

class GuidanceSubscriber {
 public:
  virtual ~GuidanceSubscriber() = default;
  // Called with the hub's lock held: copy and return.
  virtual void deliver(const tempoload::v1::GuidanceEvent& event) = 0;
};

class GuidanceHub {
 public:
  static constexpr std::size_t kSessionsKept = 32;  // history of this many recent sessions
  static constexpr std::size_t kMaxSubscribers = 32;  // watch streams at once, all sessions

  enum class Subscribed { kOk, kUnknownSession, kFull };

  void open_session(const std::string& session_id);
  bool knows(const std::string& session_id) const;
  // Delivers the session's history, then live events; refuses an unknown session, or any
  // subscriber beyond kMaxSubscribers.
  Subscribed subscribe(const std::string& session_id, GuidanceSubscriber* s);
  void unsubscribe(GuidanceSubscriber* s);  // after it returns, deliver() is never called again
  void publish(const tempoload::v1::GuidanceEvent& event, bool durable);
  std::size_t subscriber_count() const;

 private:
  struct Session {
    std::vector<tempoload::v1::GuidanceEvent> history;
    std::vector<GuidanceSubscriber*> subscribers;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Session> sessions_;
  std::deque<std::string> order_;  // oldest first, for eviction
};

}  // namespace tempoload::plugin
