#include "plugin/storage/sample_codec.hpp"

#include <array>
#include <cmath>
#include <limits>

namespace tempoload::plugin {
namespace {

constexpr char kMagic[4] = {'T', 'L', 'S', '1'};
// Channel scales: value = integer / scale.
constexpr std::array<double, 4> kScale = {1000.0, 10.0, 10.0, 100000.0};
constexpr std::array<const char*, 4> kChannel = {"t", "force_left", "force_right", "position"};
constexpr std::uint64_t kMaxSamples = 100'000'000;  // far beyond any set; guards a bad count

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool get_varint(const std::string& in, std::size_t& pos, std::uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && pos < in.size(); shift += 7) {
    const auto byte = static_cast<std::uint8_t>(in[pos++]);
    v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

std::int64_t quantise(double value, double scale) {
  if (!std::isfinite(value)) return 0;
  const double q = std::round(value * scale);
  constexpr double kLimit = static_cast<double>(std::numeric_limits<std::int32_t>::max());
  return static_cast<std::int64_t>(std::fmax(-kLimit, std::fmin(kLimit, q)));
}

double channel(const RawSample& s, int c) {
  switch (c) {
    case 0:
      return s.t_s;
    case 1:
      return s.force_left_n;
    case 2:
      return s.force_right_n;
    default:
      return s.position_m;
  }
}

void set_channel(RawSample& s, int c, double v) {
  switch (c) {
    case 0:
      s.t_s = v;
      break;
    case 1:
      s.force_left_n = v;
      break;
    case 2:
      s.force_right_n = v;
      break;
    default:
      s.position_m = v;
      break;
  }
}

}  // namespace

std::string encode_samples(const std::vector<RawSample>& samples) {
  std::string out(kMagic, sizeof kMagic);
  out.reserve(8 + samples.size() * 6);
  put_varint(out, samples.size());
  for (int c = 0; c < 4; ++c) {
    std::int64_t previous = 0;
    for (const RawSample& s : samples) {
      const std::int64_t q = quantise(channel(s, c), kScale[c]);
      put_varint(out, zigzag(q - previous));
      previous = q;
    }
  }
  return out;
}

std::vector<RawSample> decode_samples(const std::string& blob) {
  if (blob.size() < sizeof kMagic || blob.compare(0, sizeof kMagic, kMagic, sizeof kMagic) != 0)
    throw SampleCodecError("raw samples: not a 'tls1' blob (bad magic)");
  std::size_t pos = sizeof kMagic;
  std::uint64_t count = 0;
  if (!get_varint(blob, pos, count)) throw SampleCodecError("raw samples: truncated count");
  if (count > kMaxSamples || count > blob.size())  // every value takes at least one byte
    throw SampleCodecError("raw samples: count " + std::to_string(count) +
                           " does not fit a blob of " + std::to_string(blob.size()) + " bytes");
  std::vector<RawSample> out(count);
  for (int c = 0; c < 4; ++c) {
    std::int64_t value = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
      std::uint64_t delta = 0;
      if (!get_varint(blob, pos, delta))
        throw SampleCodecError("raw samples: truncated in channel '" + std::string(kChannel[c]) +
                               "' at sample " + std::to_string(i));
      value += unzigzag(delta);
      set_channel(out[i], c, static_cast<double>(value) / kScale[c]);
    }
  }
  if (pos != blob.size())
    throw SampleCodecError("raw samples: " + std::to_string(blob.size() - pos) +
                           " unexpected trailing bytes");
  return out;
}

}  // namespace tempoload::plugin
