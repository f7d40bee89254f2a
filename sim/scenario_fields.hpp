// Field-by-field reading of scenario JSON with errors that name the file and the field, shared
// by the scenario parsers of every machine kind.
#pragma once

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>

#include "sim/scenario.hpp"

namespace tempoload::sim {

using json = nlohmann::json;

// Reads one JSON object's fields; every error names the file and the field's path.
class Fields {
 public:
  Fields(const json& obj, std::string source, std::string path)
      : obj_(obj), source_(std::move(source)), path_(std::move(path)) {
    if (!obj_.is_object()) fail_at(path_, "must be an object, got " + obj_.dump());
  }

  void allow_only(std::initializer_list<const char*> keys) const {
    for (const auto& [key, _] : obj_.items()) {
      if (std::none_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; }))
        fail_at(at(key), "unknown key");
    }
  }

  bool has(const char* key) const { return obj_.contains(key); }
  const json& raw(const char* key) const { return obj_.at(key); }
  std::string at(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  // A number in [lo, hi] (or (lo, hi) when `open`); `fallback` when absent and not required.
  double number(const char* key, double lo, double hi, std::optional<double> fallback,
                bool open = false) const {
    if (!has(key)) {
      if (!fallback) fail_at(at(key), "missing");
      return *fallback;
    }
    const json& v = obj_.at(key);
    if (!v.is_number()) fail_at(at(key), "must be a number, got " + v.dump());
    const double d = v.get<double>();
    const bool inside = open ? (d > lo && d < hi) : (d >= lo && d <= hi);
    if (!std::isfinite(d) || !inside) {
      fail_at(at(key), "must be in " + std::string(open ? "(" : "[") + fmt(lo) + ", " + fmt(hi) +
                           (open ? ")" : "]") + ", got " + v.dump());
    }
    return d;
  }

  long integer(const char* key, long lo, long hi, std::optional<long> fallback) const {
    if (!has(key)) {
      if (!fallback) fail_at(at(key), "missing");
      return *fallback;
    }
    const json& v = obj_.at(key);
    if (!v.is_number_integer()) fail_at(at(key), "must be an integer, got " + v.dump());
    const long i = v.get<long>();
    if (i < lo || i > hi) {
      fail_at(at(key), "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                           std::to_string(i));
    }
    return i;
  }

  std::string text(const char* key, std::optional<std::string> fallback) const {
    if (!has(key)) {
      if (!fallback) fail_at(at(key), "missing");
      return *fallback;
    }
    const json& v = obj_.at(key);
    if (!v.is_string()) fail_at(at(key), "must be a string, got " + v.dump());
    return v.get<std::string>();
  }

  [[noreturn]] void fail_at(const std::string& field, const std::string& what) const {
    throw ScenarioError(source_ + ": " + field + ": " + what);
  }

 private:
  static std::string fmt(double d) {
    std::ostringstream ss;
    ss << d;
    return ss.str();
  }

  const json& obj_;
  std::string source_;
  std::string path_;
};

// A timed fault event ({"at_s", "event"}).
ScenarioEvent parse_event(const Fields& f);
// The array at `key`; fails naming the field when it is not one.
const json& array_field(const Fields& f, const char* key);

}  // namespace tempoload::sim
