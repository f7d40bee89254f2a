#include "plugin/telemetry/telemetry_subscription.hpp"

#include <utility>

namespace tempoload::plugin {

TelemetrySubscription::TelemetrySubscription(SubscriptionOptions options, drivers::MachineKind kind)
    : options_(options), dynamometer_(kind == drivers::MachineKind::kDynamometer) {}

bool TelemetrySubscription::add(const TelemetrySample& s, std::uint64_t tap_dropped) {
  auto& b = building_;
  b.add_t_ns(s.t_ns);
  b.add_sequence(s.sequence);
  b.add_status(s.status);
  if (dynamometer_) {
    b.add_angle_rad(s.angle_rad);
    b.add_angular_velocity_radps(s.angular_velocity_radps);
    b.add_torque_nm(s.torque_nm);
  } else {
    b.add_position_m(s.position_m);
    b.add_velocity_mps(s.velocity_mps);
    b.add_force_left_n(s.force_left_n);
    b.add_force_right_n(s.force_right_n);
    b.add_motor_force_n(s.motor_force_n);
  }
  if (static_cast<std::uint32_t>(b.t_ns_size()) < options_.batch_size) return false;
  return close_batch(tap_dropped);
}

bool TelemetrySubscription::flush_if_due(std::int64_t now_ns, std::uint64_t tap_dropped) {
  if (building_.t_ns_size() == 0 || now_ns - building_.t_ns(0) < options_.max_delay_ns)
    return false;
  return close_batch(tap_dropped);
}

bool TelemetrySubscription::close_batch(std::uint64_t tap_dropped) {
  building_.set_dropped_at_tap(tap_dropped);
  const auto n = static_cast<std::uint64_t>(building_.t_ns_size());
  std::lock_guard lock(mutex_);
  closed_ += n;
  if (queue_.size() >= options_.max_queued_batches) {
    dropped_ += n;
    building_.Clear();  // keeps the columns' capacity for the next batch
    return false;
  }
  queue_.push_back(std::move(building_));
  building_ = v1::SampleBatch();
  return true;
}

bool TelemetrySubscription::pop(v1::SampleBatch& out) {
  std::lock_guard lock(mutex_);
  if (queue_.empty()) return false;
  out = std::move(queue_.front());
  queue_.pop_front();
  out.set_dropped_for_subscriber(dropped_);
  return true;
}

std::uint64_t TelemetrySubscription::dropped_samples() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::uint64_t TelemetrySubscription::closed_samples() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

std::size_t TelemetrySubscription::queued_batches() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

}  // namespace tempoload::plugin
