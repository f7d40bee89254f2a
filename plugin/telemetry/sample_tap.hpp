// The control loop's telemetry tap: every fresh sample, made compact and pushed into a lock-free
// SPSC queue for the fan-out thread. On the loop thread it never blocks, allocates or locks; when
// the queue is full the sample is dropped and counted. Pushes nothing while nobody listens.
#pragma once

#include <atomic>
#include <cstdint>
#include <type_traits>

#include "plugin/loop/control_loop.hpp"
#include "plugin/loop/spsc_queue.hpp"

namespace tempoload::plugin {

// One reading as telemetry carries it (SI units, floats: the sensors resolve far less than a
// float's 7 digits).
struct TelemetrySample {
  std::int64_t t_ns = 0;       // loop's monotonic clock when the reading arrived [ns]
  std::uint64_t sequence = 0;  // +1 per fresh reading since the plugin started
  std::uint32_t status = 0;    // device status bits
  float position_m = 0;
  float velocity_mps = 0;
  float force_left_n = 0;
  float force_right_n = 0;
  float motor_force_n = 0;
  float angle_rad = 0;
  float angular_velocity_radps = 0;
  float torque_nm = 0;
};
static_assert(std::is_trivially_copyable_v<TelemetrySample>);

class SampleTap final : public SampleSink {
 public:
  static constexpr std::size_t kCapacity = 8192;  // 8 s at 1 kHz: the fan-out drains every ms

  // Loop thread.
  void on_sample(const drivers::Sample& s) noexcept override {
    const std::uint64_t sequence = next_sequence_++;
    if (!enabled_.load(std::memory_order_relaxed)) return;
    TelemetrySample t;
    t.t_ns = s.t_ns;
    t.sequence = sequence;
    t.status = s.status;
    t.position_m = static_cast<float>(s.position_m);
    t.velocity_mps = static_cast<float>(s.velocity_mps);
    t.force_left_n = static_cast<float>(s.force_left_n);
    t.force_right_n = static_cast<float>(s.force_right_n);
    t.motor_force_n = static_cast<float>(s.motor_force_n);
    t.angle_rad = static_cast<float>(s.angle_rad);
    t.angular_velocity_radps = static_cast<float>(s.angular_velocity_radps);
    t.torque_nm = static_cast<float>(s.torque_nm);
    queue_.push(t);
  }

  // The single consumer (the fan-out thread).
  bool pop(TelemetrySample& out) { return queue_.pop(out); }
  // Set by the hub when the first subscriber arrives and cleared after the last leaves.
  void set_enabled(bool on) { enabled_.store(on, std::memory_order_relaxed); }
  std::uint64_t dropped() const { return queue_.dropped(); }

 private:
  SpscQueue<TelemetrySample, kCapacity> queue_;
  std::atomic<bool> enabled_{false};
  std::uint64_t next_sequence_ = 0;  // loop thread only
};

}  // namespace tempoload::plugin
