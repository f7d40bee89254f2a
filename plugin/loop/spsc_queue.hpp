// Bounded lock-free single-producer single-consumer queue. The control loop pushes, another
// thread pops. push() never blocks or allocates: when full it drops the item and counts it, so
// a slow consumer loses data but never slows the loop.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace tempoload::plugin {

template <typename T, std::size_t Capacity>
class SpscQueue {
  static_assert((Capacity & (Capacity - 1)) == 0, "Capacity must be a power of two");
  static_assert(std::is_trivially_copyable_v<T>, "items are copied into a fixed ring");

 public:
  // Producer side. Returns false (and counts a drop) when full.
  bool push(const T& item) {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_.load(std::memory_order_acquire) == Capacity) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    slots_[head & (Capacity - 1)] = item;
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  // Consumer side. Returns false when empty.
  bool pop(T& out) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail == head_.load(std::memory_order_acquire)) return false;
    out = slots_[tail & (Capacity - 1)];
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  std::size_t size() const {
    return head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire);
  }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  alignas(64) std::atomic<std::size_t> head_{0};  // next slot to write (producer)
  alignas(64) std::atomic<std::size_t> tail_{0};  // next slot to read (consumer)
  alignas(64) std::atomic<std::uint64_t> dropped_{0};
  std::array<T, Capacity> slots_{};
};

}  // namespace tempoload::plugin
