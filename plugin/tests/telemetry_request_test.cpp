// StreamSamplesRequest validation: bounds, defaults, and errors that name the field.
#include <gtest/gtest.h>

#include "plugin/telemetry/stream_request.hpp"

namespace tempoload::plugin {
namespace {

TEST(TelemetryRequest, ZerosMeanTheDefaults) {
  StreamRequest r;
  r.batch_size = 7;
  EXPECT_EQ(parse_stream_request(v1::StreamSamplesRequest(), r), "");
  EXPECT_EQ(r.batch_size, 100u);
  EXPECT_EQ(r.max_delay_ns, 250'000'000);
}

TEST(TelemetryRequest, AcceptsTheBounds) {
  v1::StreamSamplesRequest req;
  req.set_batch_size(1000);
  req.set_max_batch_delay_ms(10000);
  StreamRequest r;
  EXPECT_EQ(parse_stream_request(req, r), "");
  EXPECT_EQ(r.batch_size, 1000u);
  EXPECT_EQ(r.max_delay_ns, 10'000'000'000);
  req.set_batch_size(1);
  req.set_max_batch_delay_ms(1);
  EXPECT_EQ(parse_stream_request(req, r), "");
  EXPECT_EQ(r.batch_size, 1u);
  EXPECT_EQ(r.max_delay_ns, 1'000'000);
}

TEST(TelemetryRequest, RefusesABatchSizeAboveTheLimitNamingTheField) {
  v1::StreamSamplesRequest req;
  req.set_batch_size(1001);
  StreamRequest r;
  const auto error = parse_stream_request(req, r);
  EXPECT_EQ(error.rfind("batch_size: 1001", 0), 0u) << error;
}

TEST(TelemetryRequest, RefusesADelayAboveTheLimitNamingTheField) {
  v1::StreamSamplesRequest req;
  req.set_batch_size(10);
  req.set_max_batch_delay_ms(10001);
  StreamRequest r;
  const auto error = parse_stream_request(req, r);
  EXPECT_EQ(error.rfind("max_batch_delay_ms: 10001", 0), 0u) << error;
}

}  // namespace
}  // namespace tempoload::plugin
