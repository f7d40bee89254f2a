#include <gtest/gtest.h>

#include <cstdint>

#include "drivers/register_map.hpp"

namespace tempoload::drivers {
namespace {

RegisterEntry entry(RegisterType type, double scale, WordOrder order = WordOrder::kHighWordFirst) {
  RegisterEntry e{};
  e.signal = Signal::kForceLeft;
  e.address = 0;
  e.type = type;
  e.scale = scale;
  e.word_order = order;
  return e;
}

TEST(RegisterCodec, Int32HighWordFirstRoundTripsAndLaysOutWords) {
  auto e = entry(RegisterType::kInt32, 0.01);
  std::uint16_t regs[2]{};
  ASSERT_TRUE(encode_entry(e, 1234.56, regs));
  // 123456 = 0x0001E240: high word first.
  EXPECT_EQ(regs[0], 0x0001);
  EXPECT_EQ(regs[1], 0xE240);
  EXPECT_DOUBLE_EQ(decode_entry(e, regs), 1234.56);
}

TEST(RegisterCodec, Int32LowWordFirstSwapsWords) {
  auto e = entry(RegisterType::kInt32, 1.0, WordOrder::kLowWordFirst);
  std::uint16_t regs[2]{};
  ASSERT_TRUE(encode_entry(e, -2, regs));
  EXPECT_EQ(regs[0], 0xFFFE);
  EXPECT_EQ(regs[1], 0xFFFF);
  EXPECT_DOUBLE_EQ(decode_entry(e, regs), -2.0);
}

TEST(RegisterCodec, Int16NegativeAndOffset) {
  auto e = entry(RegisterType::kInt16, 0.5);
  e.offset = 10;
  std::uint16_t reg = 0;
  ASSERT_TRUE(encode_entry(e, 5.0, &reg));  // raw = (5 - 10) / 0.5 = -10
  EXPECT_EQ(reg, static_cast<std::uint16_t>(-10));
  EXPECT_DOUBLE_EQ(decode_entry(e, &reg), 5.0);
}

TEST(RegisterCodec, Float32RoundTrips) {
  auto e = entry(RegisterType::kFloat32, 1.0);
  std::uint16_t regs[2]{};
  ASSERT_TRUE(encode_entry(e, 3.25, regs));
  EXPECT_EQ(regs[0], 0x4050);  // 3.25f = 0x40500000
  EXPECT_EQ(regs[1], 0x0000);
  EXPECT_FLOAT_EQ(decode_entry(e, regs), 3.25);
}

TEST(RegisterCodec, OutOfRangeSaturatesAndReportsIt) {
  auto e = entry(RegisterType::kUint16, 1.0);
  std::uint16_t reg = 0;
  EXPECT_FALSE(encode_entry(e, 70000, &reg));
  EXPECT_EQ(reg, 65535);
  EXPECT_FALSE(encode_entry(e, -1, &reg));
  EXPECT_EQ(reg, 0);
}

}  // namespace
}  // namespace tempoload::drivers
