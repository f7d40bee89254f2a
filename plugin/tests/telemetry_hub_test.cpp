// Telemetry fan-out driven step by step: samples fed through the real tap, drain() called with
// a synthetic clock, no threads. Batching, the delay flush, "drop and count" for a slow
// subscriber, the tap's own bound, and the subscriber bound.
#include "plugin/telemetry/telemetry_hub.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tempoload::plugin {
namespace {

constexpr std::int64_t kMs = 1'000'000;  // [ns]

drivers::Sample reading(std::int64_t t_ns, double position_m) {
  drivers::Sample s;
  s.t_ns = t_ns;
  s.status = 0x5;
  s.position_m = position_m;
  s.velocity_mps = 0.01;
  s.force_left_n = 400;
  s.force_right_n = 410;
  s.motor_force_n = 800;
  s.angle_rad = 0.25;
  return s;
}

class TelemetryHubTest : public ::testing::Test {
 protected:
  explicit TelemetryHubTest(TelemetryHubOptions o = {}) : hub_(tap_, o) {}

  // `n` readings, one per ms from t_ = 0, through the tap as the loop would.
  void feed(int n) {
    for (int i = 0; i < n; ++i, t_ += kMs) tap_.on_sample(reading(t_, 0.001 * (t_ / kMs)));
  }

  std::vector<v1::SampleBatch> pop_all(TelemetrySubscription& s) {
    std::vector<v1::SampleBatch> out;
    v1::SampleBatch b;
    while (s.pop(b)) out.push_back(b);
    return out;
  }

  SampleTap tap_;
  TelemetryHub hub_;
  std::int64_t t_ = 0;
};

TEST_F(TelemetryHubTest, FullBatchesOfTheRequestedSizeInSequenceOrder) {
  int ready_calls = 0;
  auto sub = hub_.subscribe(10, 1000 * kMs, [&] { ++ready_calls; });
  ASSERT_TRUE(sub);
  feed(35);
  hub_.drain(t_);
  EXPECT_EQ(ready_calls, 1);  // once per drain that queued something

  const auto batches = pop_all(*sub);
  ASSERT_EQ(batches.size(), 3u);  // the last 5 samples wait for the batch to fill
  std::uint64_t expected_sequence = 0;
  for (const auto& b : batches) {
    ASSERT_EQ(b.t_ns_size(), 10);
    ASSERT_EQ(b.sequence_size(), 10);
    ASSERT_EQ(b.position_m_size(), 10);
    ASSERT_EQ(b.force_left_n_size(), 10);
    ASSERT_EQ(b.status_size(), 10);
    EXPECT_EQ(b.angle_rad_size(), 0);  // a calf-raise machine: no dynamometer columns
    for (int i = 0; i < 10; ++i, ++expected_sequence) {
      EXPECT_EQ(b.sequence(i), expected_sequence);
      EXPECT_EQ(b.t_ns(i), static_cast<std::int64_t>(expected_sequence) * kMs);
      EXPECT_FLOAT_EQ(b.position_m(i), 0.001f * expected_sequence);
      EXPECT_FLOAT_EQ(b.force_right_n(i), 410);
      EXPECT_EQ(b.status(i), 0x5u);
    }
    EXPECT_EQ(b.dropped_for_subscriber(), 0u);
    EXPECT_EQ(b.dropped_at_tap(), 0u);
  }
  hub_.drain(t_);
  EXPECT_TRUE(pop_all(*sub).empty());
  EXPECT_EQ(ready_calls, 1);
}

TEST_F(TelemetryHubTest, PartialBatchIsSentOnceItsOldestSampleIsOlderThanTheDelay) {
  auto sub = hub_.subscribe(100, 50 * kMs, nullptr);
  feed(5);  // t = 0..4 ms
  hub_.drain(49 * kMs);
  EXPECT_TRUE(pop_all(*sub).empty());
  hub_.drain(50 * kMs);
  const auto batches = pop_all(*sub);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].t_ns_size(), 5);
  hub_.drain(500 * kMs);  // nothing new: no empty batch
  EXPECT_TRUE(pop_all(*sub).empty());
}

TEST_F(TelemetryHubTest, EachSubscriberGetsItsOwnBatchSize) {
  auto a = hub_.subscribe(1, 1000 * kMs, nullptr);
  auto b = hub_.subscribe(7, 1000 * kMs, nullptr);
  feed(14);
  hub_.drain(t_);
  EXPECT_EQ(pop_all(*a).size(), 14u);
  EXPECT_EQ(pop_all(*b).size(), 2u);
}

class TelemetrySlowSubscriberTest : public TelemetryHubTest {
 protected:
  static TelemetryHubOptions options() {
    TelemetryHubOptions o;
    o.queued_samples_per_subscriber = 40;  // 4 batches of 10
    return o;
  }
  TelemetrySlowSubscriberTest() : TelemetryHubTest(options()) {}
};

TEST_F(TelemetrySlowSubscriberTest, DropsWholeBatchesAndCountsThemOnlyForThatSubscriber) {
  auto slow = hub_.subscribe(10, 1000 * kMs, nullptr);
  auto fast = hub_.subscribe(10, 1000 * kMs, nullptr);
  std::vector<v1::SampleBatch> fast_batches;
  for (int step = 0; step < 10; ++step) {  // the fast client reads after every step
    feed(10);
    hub_.drain(t_);
    for (auto& b : pop_all(*fast)) fast_batches.push_back(b);
  }
  EXPECT_EQ(tap_.dropped(), 0u);  // the loop's side never lost anything

  ASSERT_EQ(fast_batches.size(), 10u);
  EXPECT_EQ(fast_batches.back().sequence(9), 99u);
  EXPECT_EQ(fast_batches.back().dropped_for_subscriber(), 0u);
  EXPECT_EQ(fast->dropped_samples(), 0u);

  // The slow client's queue filled after 4 batches; the next 6 were dropped and counted.
  EXPECT_EQ(slow->dropped_samples(), 60u);
  EXPECT_EQ(slow->closed_samples(), 100u);
  const auto kept = pop_all(*slow);
  ASSERT_EQ(kept.size(), 4u);
  EXPECT_EQ(kept.front().sequence(0), 0u);
  EXPECT_EQ(kept.back().sequence(9), 39u);
  for (const auto& b : kept) EXPECT_EQ(b.dropped_for_subscriber(), 60u);

  // Once it reads again it gets new batches, the gap visible in `sequence`.
  feed(10);
  hub_.drain(t_);
  const auto next = pop_all(*slow);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].sequence(0), 100u);
  EXPECT_EQ(next[0].dropped_for_subscriber(), 60u);
}

TEST_F(TelemetryHubTest, TapDropsAndCountsWhenTheFanOutFallsBehind) {
  auto sub = hub_.subscribe(1000, 1000 * kMs, nullptr);
  feed(static_cast<int>(SampleTap::kCapacity) + 5);  // no drain in between
  EXPECT_EQ(tap_.dropped(), 5u);
  hub_.drain(t_);
  const auto batches = pop_all(*sub);
  ASSERT_FALSE(batches.empty());
  EXPECT_EQ(batches[0].dropped_at_tap(), 5u);
  EXPECT_EQ(batches[0].sequence(0), 0u);
  EXPECT_EQ(batches[0].dropped_for_subscriber(), sub->dropped_samples());  // its own queue's
}

TEST_F(TelemetryHubTest, TapIsIdleWithoutSubscribersAndTheSequenceKeepsCounting) {
  feed(20);
  hub_.drain(t_);
  EXPECT_EQ(hub_.samples_drained(), 0u);  // the loop pushed nothing

  auto sub = hub_.subscribe(5, 1000 * kMs, nullptr);
  feed(5);
  hub_.drain(t_);
  const auto batches = pop_all(*sub);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].sequence(0), 20u);  // readings counted while nobody listened
  EXPECT_EQ(hub_.samples_drained(), 5u);

  hub_.unsubscribe(sub.get());
  feed(5);
  hub_.drain(t_);
  EXPECT_EQ(hub_.samples_drained(), 5u);
}

TEST_F(TelemetryHubTest, ReadyIsNeverCalledAfterUnsubscribe) {
  int ready_calls = 0;
  auto sub = hub_.subscribe(1, 1000 * kMs, [&] { ++ready_calls; });
  auto other = hub_.subscribe(1, 1000 * kMs, nullptr);  // keeps the tap enabled
  feed(1);
  hub_.drain(t_);
  EXPECT_EQ(ready_calls, 1);
  hub_.unsubscribe(sub.get());
  feed(3);
  hub_.drain(t_);
  EXPECT_EQ(ready_calls, 1);
  EXPECT_EQ(pop_all(*other).size(), 4u);
}

class TelemetryBoundTest : public TelemetryHubTest {
 protected:
  static TelemetryHubOptions options() {
    TelemetryHubOptions o;
    o.max_subscribers = 3;
    return o;
  }
  TelemetryBoundTest() : TelemetryHubTest(options()) {}
};

TEST_F(TelemetryBoundTest, RefusesSubscribersBeyondTheBoundUntilOneLeaves) {
  std::vector<std::shared_ptr<TelemetrySubscription>> subs;
  for (int i = 0; i < 3; ++i) {
    subs.push_back(hub_.subscribe(10, 100 * kMs, nullptr));
    ASSERT_TRUE(subs.back()) << "subscriber " << i;
  }
  EXPECT_FALSE(hub_.subscribe(10, 100 * kMs, nullptr));
  EXPECT_EQ(hub_.subscribers(), 3u);
  hub_.unsubscribe(subs[1].get());
  EXPECT_TRUE(hub_.subscribe(10, 100 * kMs, nullptr));
  EXPECT_EQ(hub_.subscribers(), 3u);
}

class TelemetryDynamometerTest : public TelemetryHubTest {
 protected:
  static TelemetryHubOptions options() {
    TelemetryHubOptions o;
    o.kind = drivers::MachineKind::kDynamometer;
    return o;
  }
  TelemetryDynamometerTest() : TelemetryHubTest(options()) {}
};

TEST_F(TelemetryDynamometerTest, FillsTheDynamometerColumnsOnly) {
  auto sub = hub_.subscribe(4, 1000 * kMs, nullptr);
  feed(4);
  hub_.drain(t_);
  const auto batches = pop_all(*sub);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].angle_rad_size(), 4);
  EXPECT_EQ(batches[0].angular_velocity_radps_size(), 4);
  EXPECT_EQ(batches[0].torque_nm_size(), 4);
  EXPECT_FLOAT_EQ(batches[0].angle_rad(3), 0.25f);
  EXPECT_EQ(batches[0].position_m_size(), 0);
  EXPECT_EQ(batches[0].force_left_n_size(), 0);
}

}  // namespace
}  // namespace tempoload::plugin
