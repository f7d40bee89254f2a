// What each gym-server answer means for an outbox entry, and where each kind is sent.
#include "plugin/report/delivery.hpp"

#include <gtest/gtest.h>

namespace tempoload::plugin {
namespace {

http::HttpResult answer(int status, std::optional<double> retry_after = std::nullopt) {
  http::HttpResult r;
  r.ok = true;
  r.response.status = status;
  r.response.body = "{\"error\":\"x\"}";
  r.response.retry_after_s = retry_after;
  return r;
}

const OutboxEntry kReport{1, "calf-1-1-aa", kKindSessionReport, "{}", 0};
const OutboxEntry kChange{2, "calf-1-rx-1-bb", kKindPrescriptionChange,
                          R"({"athleteId":"anna","baseVersion":3})", 0};

TEST(DeliveryClassification, SuccessDuplicateRetryRejectAndConflict) {
  EXPECT_EQ(classify_delivery(kReport, answer(201)).verdict, DeliveryVerdict::kDelivered);
  EXPECT_EQ(classify_delivery(kReport, answer(200)).verdict, DeliveryVerdict::kDelivered)
      << "200 = the server already had it: delivered, not counted twice";
  for (int status : {500, 502, 503, 408, 429, 302})
    EXPECT_EQ(classify_delivery(kReport, answer(status)).verdict, DeliveryVerdict::kRetry)
        << status;
  for (int status : {400, 404, 413, 415, 409})
    EXPECT_EQ(classify_delivery(kReport, answer(status)).verdict, DeliveryVerdict::kRejected)
        << status;
  EXPECT_EQ(classify_delivery(kChange, answer(409)).verdict, DeliveryVerdict::kConflict)
      << "a stale prescription edit is kept for a coach, not rejected as invalid";

  const auto throttled = classify_delivery(kReport, answer(429, 7.0));
  EXPECT_EQ(throttled.http_status, 429);
  ASSERT_TRUE(throttled.retry_after_s);
  EXPECT_EQ(*throttled.retry_after_s, 7.0);
  EXPECT_NE(throttled.error.find("HTTP 429"), std::string::npos);

  http::HttpResult refused;
  refused.error = "connect 127.0.0.1:9: Connection refused";
  const auto down = classify_delivery(kReport, refused);
  EXPECT_EQ(down.verdict, DeliveryVerdict::kRetry);
  EXPECT_EQ(down.http_status, 0);
  EXPECT_EQ(down.error, refused.error);
}

TEST(DeliveryRequest, EachKindGoesToItsEndpoint) {
  std::string error;
  auto r = delivery_request(kReport, error);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->put);
  EXPECT_EQ(r->target, "/api/v1/sessions");
  r = delivery_request({3, "usage-calf-1-x", kKindUsageReport, "{}", 0}, error);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->target, "/api/v1/usage");
  r = delivery_request(kChange, error);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->put);
  EXPECT_EQ(r->target, "/api/v1/athletes/anna/prescription");

  EXPECT_FALSE(delivery_request({4, "k", "mystery", "{}", 0}, error));
  EXPECT_NE(error.find("unknown outbox kind 'mystery'"), std::string::npos);
  EXPECT_FALSE(delivery_request({5, "k", kKindPrescriptionChange, "not json", 0}, error));
}

}  // namespace
}  // namespace tempoload::plugin
