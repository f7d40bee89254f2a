// Telemetry over real gRPC: the plugin and the simulated machine as processes on loopback, a
// client that subscribes to StreamSamples and checks what arrives.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "tempoload/v1/telemetry.grpc.pb.h"
#include "tests/integration/stack.hpp"

namespace tempoload::testing {
namespace {

namespace v1 = tempoload::v1;
using std::chrono::seconds;

class Telemetry : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stack_.start_sim()) << stack_.logs();
    plugin_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{TEMPOLOAD_PLUGIN_BIN, "--daemon", "--map", TEMPOLOAD_MAP,
                                 "--modbus", "127.0.0.1:" + std::to_string(stack_.sim_port()),
                                 "--db", (stack_.dir() / "plugin.db").string(), "--listen",
                                 "127.0.0.1:0"},
        (stack_.dir() / "plugin.log").string());
    const int port = plugin_->wait_for_port(seconds(15));
    ASSERT_GT(port, 0) << plugin_->log_tail();
    stub_ = v1::Telemetry::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                       grpc::InsecureChannelCredentials()));
  }

  Stack stack_;
  std::unique_ptr<ChildProcess> plugin_;
  std::unique_ptr<v1::Telemetry::Stub> stub_;
};

TEST_F(Telemetry, StreamsBatchesOfTheRequestedSizeWithIncreasingSequence) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(20));
  v1::StreamSamplesRequest req;
  req.set_batch_size(50);
  req.set_max_batch_delay_ms(1000);
  auto reader = stub_->StreamSamples(&ctx, req);

  constexpr int kBatches = 20;  // 1000 samples: about 1 s at the loop's 1 kHz
  v1::SampleBatch batch;
  std::int64_t first_t = 0, last_t = 0;
  std::uint64_t last_sequence = 0;
  std::set<float> forces;
  int samples = 0;
  for (int n = 0; n < kBatches; ++n) {
    ASSERT_TRUE(reader->Read(&batch)) << "batch " << n << "\n" << plugin_->log_tail();
    // Full batches in every calf-raise column; no dynamometer columns.
    ASSERT_EQ(batch.t_ns_size(), 50) << "batch " << n;
    ASSERT_EQ(batch.sequence_size(), 50);
    ASSERT_EQ(batch.status_size(), 50);
    ASSERT_EQ(batch.position_m_size(), 50);
    ASSERT_EQ(batch.velocity_mps_size(), 50);
    ASSERT_EQ(batch.force_left_n_size(), 50);
    ASSERT_EQ(batch.force_right_n_size(), 50);
    ASSERT_EQ(batch.motor_force_n_size(), 50);
    EXPECT_EQ(batch.angle_rad_size(), 0);
    EXPECT_EQ(batch.dropped_for_subscriber(), 0u) << "a client reading at once loses nothing";
    for (int i = 0; i < 50; ++i, ++samples) {
      if (samples > 0) {
        EXPECT_GT(batch.sequence(i), last_sequence) << "batch " << n << " sample " << i;
        EXPECT_GT(batch.t_ns(i), last_t) << "batch " << n << " sample " << i;
      } else {
        first_t = batch.t_ns(i);
      }
      last_sequence = batch.sequence(i);
      last_t = batch.t_ns(i);
      // Plausible for the calf-raise map at rest: a platform within its travel, forces of a
      // person standing on the plates (noisy), a motor within its limit.
      EXPECT_GE(batch.position_m(i), -0.005f);
      EXPECT_LE(batch.position_m(i), 0.25f);
      EXPECT_LT(std::abs(batch.velocity_mps(i)), 1.0f);
      EXPECT_GT(batch.force_left_n(i), -100.0f);
      EXPECT_LT(batch.force_left_n(i), 5000.0f);
      EXPECT_GT(batch.force_right_n(i), -100.0f);
      EXPECT_LT(batch.force_right_n(i), 5000.0f);
      EXPECT_GE(batch.motor_force_n(i), -1.0f);
      EXPECT_LT(batch.motor_force_n(i), 5000.0f);
      forces.insert(batch.force_left_n(i));
    }
    // t_ns + unix_offset_ns is the sample's Unix time: within a few seconds of now.
    const auto now_unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    EXPECT_LT(std::abs(batch.t_ns(49) + batch.unix_offset_ns() - now_unix_ns), 5'000'000'000)
        << "batch " << n;
  }
  EXPECT_GT(forces.size(), 10u) << "force readings should be live (noisy), not a constant";
  // About the loop's 1 kHz: 999 intervals between 0.5 and 3 s (loopback, shared cores).
  const double span_s = (last_t - first_t) * 1e-9;
  EXPECT_GT(span_s, 0.5);
  EXPECT_LT(span_s, 3.0);

  ctx.TryCancel();
  reader->Finish();
}

TEST_F(Telemetry, RefusesABadRequestNamingTheField) {
  struct Case {
    std::uint32_t batch_size, delay_ms;
    std::string field;
  };
  for (const auto& c : {Case{5000, 0, "batch_size"}, Case{10, 60000, "max_batch_delay_ms"}}) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + seconds(10));
    v1::StreamSamplesRequest req;
    req.set_batch_size(c.batch_size);
    req.set_max_batch_delay_ms(c.delay_ms);
    auto reader = stub_->StreamSamples(&ctx, req);
    v1::SampleBatch batch;
    EXPECT_FALSE(reader->Read(&batch)) << c.field;
    const grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(status.error_message().rfind(c.field + ":", 0), 0u) << status.error_message();
  }
}

TEST_F(Telemetry, PartialBatchArrivesAfterTheDelay) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(10));
  v1::StreamSamplesRequest req;
  req.set_batch_size(1000);        // a full batch would take 1 s at 1 kHz
  req.set_max_batch_delay_ms(50);  // so batches are sent by age, well before they fill
  auto reader = stub_->StreamSamples(&ctx, req);
  v1::SampleBatch batch;
  for (int n = 0; n < 5; ++n) {
    ASSERT_TRUE(reader->Read(&batch)) << plugin_->log_tail();
    EXPECT_GT(batch.t_ns_size(), 0);
    EXPECT_LT(batch.t_ns_size(), 1000) << "batch " << n;  // sent by age, not full
  }
  ctx.TryCancel();
  reader->Finish();
}

}  // namespace
}  // namespace tempoload::testing
