#include "drivers/register_map.hpp"

#include <bit>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace tempoload::drivers {
namespace {

using json = nlohmann::json;

// Modbus limits of one transaction (function 23): 125 registers read, 121 written.
constexpr int kMaxReadRegisters = 125;
constexpr int kMaxWriteRegisters = 121;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw RegisterMapError(where + ": " + what);
}

void reject_unknown_keys(const json& obj, std::initializer_list<const char*> allowed,
                         const std::string& where) {
  for (const auto& [key, _] : obj.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) fail(where, "unknown key '" + key + "'");
  }
}

const json& require(const json& obj, const char* key, const std::string& where) {
  if (!obj.contains(key)) fail(where, std::string("missing '") + key + "'");
  return obj.at(key);
}

double number(const json& v, const std::string& where) {
  if (!v.is_number()) fail(where, "must be a number, got " + v.dump());
  double d = v.get<double>();
  if (!std::isfinite(d)) fail(where, "must be finite");
  return d;
}

long integer(const json& v, long lo, long hi, const std::string& where) {
  if (!v.is_number_integer()) fail(where, "must be an integer, got " + v.dump());
  long i = v.get<long>();
  if (i < lo || i > hi)
    fail(where, "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                    std::to_string(i));
  return i;
}

std::string text(const json& v, const std::string& where) {
  if (!v.is_string()) fail(where, "must be a string, got " + v.dump());
  return v.get<std::string>();
}

RegisterType parse_type(const std::string& s, const std::string& where) {
  if (s == "uint16") return RegisterType::kUint16;
  if (s == "int16") return RegisterType::kInt16;
  if (s == "uint32") return RegisterType::kUint32;
  if (s == "int32") return RegisterType::kInt32;
  if (s == "float32") return RegisterType::kFloat32;
  fail(where, "unknown type '" + s + "' (expected uint16, int16, uint32, int32 or float32)");
}

WordOrder parse_word_order(const std::string& s, const std::string& where) {
  if (s == "high_word_first") return WordOrder::kHighWordFirst;
  if (s == "low_word_first") return WordOrder::kLowWordFirst;
  fail(where, "unknown word_order '" + s + "' (expected high_word_first or low_word_first)");
}

RegisterBlock parse_block(const json& j, const char* name, Direction direction, int max_count,
                          WordOrder default_order, MachineKind kind, const std::string& source) {
  const std::string where = source + ": " + name;
  if (!j.is_object()) fail(where, "must be an object");
  reject_unknown_keys(j, {"address", "count", "registers"}, where);
  RegisterBlock block;
  block.address = static_cast<std::uint16_t>(
      integer(require(j, "address", where), 0, 65535, where + ".address"));
  block.count =
      static_cast<std::uint16_t>(integer(require(j, "count", where), 1, max_count, where + ".count"));
  if (block.address + block.count > 65536) fail(where, "block runs past address 65535");

  const json& regs = require(j, "registers", where);
  if (!regs.is_array() || regs.empty()) fail(where + ".registers", "must be a non-empty array");
  std::vector<int> owner(block.count, -1);  // which entry holds each register of the block
  for (std::size_t i = 0; i < regs.size(); ++i) {
    const json& r = regs[i];
    std::string at = where + ".registers[" + std::to_string(i) + "]";
    if (!r.is_object()) fail(at, "must be an object");
    std::string signal_name = text(require(r, "signal", at), at + ".signal");
    at += " (" + signal_name + ")";
    reject_unknown_keys(r,
                        {"signal", "address", "type", "scale", "offset", "word_order", "unit",
                         "description"},
                        at);
    auto signal = signal_from_name(signal_name);
    if (!signal) fail(at, "unknown signal '" + signal_name + "'");
    if (info(*signal).direction != direction)
      fail(at, std::string("is a ") +
                   (direction == Direction::kCommand ? "measurement" : "command") +
                   " signal and cannot be in " + name);
    if (!info(*signal).used_by_kind(kind))
      fail(at, "signal '" + signal_name + "' is not used by a " + std::string(to_string(kind)) +
                   " map");

    RegisterEntry e{};
    e.signal = *signal;
    e.address = static_cast<std::uint16_t>(integer(require(r, "address", at), 0, 65535, at + ".address"));
    e.type = parse_type(text(require(r, "type", at), at + ".type"), at + ".type");
    e.word_order = r.contains("word_order")
                       ? parse_word_order(text(r["word_order"], at + ".word_order"), at)
                       : default_order;
    if (r.contains("scale")) e.scale = number(r["scale"], at + ".scale");
    if (e.scale == 0.0) fail(at + ".scale", "must not be zero");
    if (r.contains("offset")) e.offset = number(r["offset"], at + ".offset");
    if (r.contains("unit")) e.unit = text(r["unit"], at + ".unit");
    if (r.contains("description")) e.description = text(r["description"], at + ".description");

    const int first = e.address - block.address;
    if (first < 0 || first + e.width() > block.count)
      fail(at, "address " + std::to_string(e.address) + " (width " + std::to_string(e.width()) +
                   ") lies outside the block [" + std::to_string(block.address) + ", " +
                   std::to_string(block.address + block.count - 1) + "]");
    for (int k = first; k < first + e.width(); ++k) {
      if (owner[k] >= 0) {
        fail(at, "register " + std::to_string(block.address + k) + " is already used by '" +
                     std::string(info(block.entries[owner[k]].signal).name) + "'");
      }
      owner[k] = static_cast<int>(block.entries.size());
    }
    for (const auto& other : block.entries)
      if (other.signal == e.signal) fail(at, "signal '" + signal_name + "' appears twice");
    block.entries.push_back(std::move(e));
  }
  return block;
}

MachineKind parse_kind(const std::string& s, const std::string& where) {
  if (s == to_string(MachineKind::kCalfRaise)) return MachineKind::kCalfRaise;
  if (s == to_string(MachineKind::kDynamometer)) return MachineKind::kDynamometer;
  fail(where, "unknown kind '" + s + "' (expected calf_raise or dynamometer)");
}

// Angles and speeds are written in degrees here (what a clinician sets), kept in radians.
MachineLimits parse_dynamometer_limits(const json& limits, const std::string& lw) {
  constexpr double kRadPerDeg = 3.14159265358979323846 / 180.0;
  reject_unknown_keys(
      limits, {"max_torque_nm", "max_speed_deg_s", "angle_min_deg", "angle_max_deg", "watchdog_ms"},
      lw);
  MachineLimits m;
  m.max_torque_nm = number(require(limits, "max_torque_nm", lw), lw + ".max_torque_nm");
  if (m.max_torque_nm <= 0) fail(lw + ".max_torque_nm", "must be > 0");
  const double speed = number(require(limits, "max_speed_deg_s", lw), lw + ".max_speed_deg_s");
  if (speed <= 0 || speed > 1000) fail(lw + ".max_speed_deg_s", "must be in (0, 1000]");
  const double lo = number(require(limits, "angle_min_deg", lw), lw + ".angle_min_deg");
  const double hi = number(require(limits, "angle_max_deg", lw), lw + ".angle_max_deg");
  if (lo < -180 || hi > 180 || hi - lo < 10)
    fail(lw + ".angle_max_deg",
         "the range [angle_min_deg, angle_max_deg] must lie in [-180, 180] and span >= 10 deg");
  m.max_speed_radps = speed * kRadPerDeg;
  m.angle_min_rad = lo * kRadPerDeg;
  m.angle_max_rad = hi * kRadPerDeg;
  return m;
}

std::uint32_t join(const RegisterEntry& e, const std::uint16_t* regs) {
  std::uint32_t hi = e.word_order == WordOrder::kHighWordFirst ? regs[0] : regs[1];
  std::uint32_t lo = e.word_order == WordOrder::kHighWordFirst ? regs[1] : regs[0];
  return (hi << 16) | lo;
}

void split(const RegisterEntry& e, std::uint32_t v, std::uint16_t* regs) {
  auto hi = static_cast<std::uint16_t>(v >> 16), lo = static_cast<std::uint16_t>(v & 0xFFFF);
  regs[0] = e.word_order == WordOrder::kHighWordFirst ? hi : lo;
  regs[1] = e.word_order == WordOrder::kHighWordFirst ? lo : hi;
}

// Rounds and clamps to [lo, hi]; reports saturation.
template <typename T>
T saturate(double raw, bool& ok) {
  const double lo = static_cast<double>(std::numeric_limits<T>::min());
  const double hi = static_cast<double>(std::numeric_limits<T>::max());
  if (std::isnan(raw)) {
    ok = false;
    return T{0};
  }
  double r = std::nearbyint(raw);
  if (r < lo || r > hi) ok = false;
  return static_cast<T>(std::clamp(r, lo, hi));
}

}  // namespace

int RegisterEntry::width() const {
  return type == RegisterType::kUint16 || type == RegisterType::kInt16 ? 1 : 2;
}

double decode_entry(const RegisterEntry& e, const std::uint16_t* regs) {
  double raw = 0;
  switch (e.type) {
    case RegisterType::kUint16: raw = regs[0]; break;
    case RegisterType::kInt16: raw = static_cast<std::int16_t>(regs[0]); break;
    case RegisterType::kUint32: raw = join(e, regs); break;
    case RegisterType::kInt32: raw = static_cast<std::int32_t>(join(e, regs)); break;
    case RegisterType::kFloat32: raw = std::bit_cast<float>(join(e, regs)); break;
  }
  return raw * e.scale + e.offset;
}

bool encode_entry(const RegisterEntry& e, double value, std::uint16_t* regs) {
  const double raw = (value - e.offset) / e.scale;
  bool ok = true;
  switch (e.type) {
    case RegisterType::kUint16: regs[0] = saturate<std::uint16_t>(raw, ok); break;
    case RegisterType::kInt16: regs[0] = static_cast<std::uint16_t>(saturate<std::int16_t>(raw, ok)); break;
    case RegisterType::kUint32: split(e, saturate<std::uint32_t>(raw, ok), regs); break;
    case RegisterType::kInt32:
      split(e, static_cast<std::uint32_t>(saturate<std::int32_t>(raw, ok)), regs);
      break;
    case RegisterType::kFloat32:
      ok = std::isfinite(raw) && std::fabs(raw) <= std::numeric_limits<float>::max();
      split(e, std::bit_cast<std::uint32_t>(static_cast<float>(ok ? raw : 0.0)), regs);
      break;
  }
  return ok;
}

RegisterMap RegisterMap::parse(const std::string& json_text, const std::string& source) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::parse_error& e) {
    fail(source, std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object()) fail(source, "top level must be an object");
  reject_unknown_keys(j,
                      {"model", "kind", "version", "description", "unit_id", "word_order",
                       "measurements", "commands", "limits"},
                      source);

  RegisterMap map;
  map.model_ = text(require(j, "model", source), source + ": model");
  if (map.model_.empty()) fail(source + ": model", "must not be empty");
  if (j.contains("kind"))
    map.kind_ = parse_kind(text(j["kind"], source + ": kind"), source + ": kind");
  map.version_ = j.contains("version") ? text(j["version"], source + ": version") : "";
  if (j.contains("unit_id")) map.unit_id_ = static_cast<int>(integer(j["unit_id"], 0, 247, source + ": unit_id"));
  WordOrder order = WordOrder::kHighWordFirst;
  if (j.contains("word_order"))
    order = parse_word_order(text(j["word_order"], source + ": word_order"), source + ": word_order");

  map.measurements_ = parse_block(require(j, "measurements", source), "measurements",
                                  Direction::kMeasurement, kMaxReadRegisters, order, map.kind_,
                                  source);
  map.commands_ = parse_block(require(j, "commands", source), "commands", Direction::kCommand,
                              kMaxWriteRegisters, order, map.kind_, source);
  const auto& m = map.measurements_;
  const auto& c = map.commands_;
  if (m.address < c.address + c.count && c.address < m.address + m.count)
    fail(source, "measurements block and commands block overlap");

  const std::string lw = source + ": limits";
  const json& limits = require(j, "limits", source);
  if (!limits.is_object()) fail(lw, "must be an object");
  if (map.kind_ == MachineKind::kDynamometer) {
    map.limits_ = parse_dynamometer_limits(limits, lw);
  } else {
    reject_unknown_keys(limits, {"max_force_n", "travel_m", "watchdog_ms"}, lw);
    map.limits_.max_force_n = number(require(limits, "max_force_n", lw), lw + ".max_force_n");
    map.limits_.travel_m = number(require(limits, "travel_m", lw), lw + ".travel_m");
    if (map.limits_.max_force_n <= 0) fail(lw + ".max_force_n", "must be > 0");
    if (map.limits_.travel_m <= 0) fail(lw + ".travel_m", "must be > 0");
  }
  map.limits_.watchdog_s =
      integer(require(limits, "watchdog_ms", lw), 10, 10000, lw + ".watchdog_ms") / 1000.0;

  map.index_.fill(-1);
  for (const RegisterBlock* b : {&map.measurements_, &map.commands_})
    for (std::size_t i = 0; i < b->entries.size(); ++i)
      map.index_[static_cast<std::size_t>(b->entries[i].signal)] = static_cast<int>(i);
  for (const auto& s : kSignals)
    if (s.required_by_kind(map.kind_) && map.index_[static_cast<std::size_t>(s.signal)] < 0)
      fail(source, std::string("required signal '") + std::string(s.name) + "' is missing from " +
                       (s.direction == Direction::kMeasurement ? "measurements" : "commands"));
  return map;
}

RegisterMap RegisterMap::load_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw RegisterMapError(path.string() + ": cannot open register map");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path.string());
}

const RegisterEntry* RegisterMap::find(Signal s) const {
  const int i = index_[static_cast<std::size_t>(s)];
  if (i < 0) return nullptr;
  const RegisterBlock& b = info(s).direction == Direction::kMeasurement ? measurements_ : commands_;
  return &b.entries[static_cast<std::size_t>(i)];
}

double RegisterMap::decode(Signal s, const std::uint16_t* block, double fallback) const {
  const RegisterEntry* e = find(s);
  if (!e) return fallback;
  const RegisterBlock& b = info(s).direction == Direction::kMeasurement ? measurements_ : commands_;
  return decode_entry(*e, block + (e->address - b.address));
}

bool RegisterMap::encode(Signal s, double value, std::uint16_t* block) const {
  const RegisterEntry* e = find(s);
  if (!e) return false;
  const RegisterBlock& b = info(s).direction == Direction::kMeasurement ? measurements_ : commands_;
  return encode_entry(*e, value, block + (e->address - b.address));
}

}  // namespace tempoload::drivers
