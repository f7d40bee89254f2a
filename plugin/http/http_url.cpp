#include "plugin/http/http_url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace tempoload::http {
namespace {

[[noreturn]] void fail(std::string_view url, std::string_view why) {
  throw std::invalid_argument("invalid base URL '" + std::string(url) + "': " + std::string(why));
}

bool is_ipv4(const std::string& s) {
  in_addr a{};
  return inet_pton(AF_INET, s.c_str(), &a) == 1;
}

bool is_ipv6(const std::string& s) {
  in6_addr a{};
  return inet_pton(AF_INET6, s.c_str(), &a) == 1;
}

// RFC 1123 host name: labels of letters, digits and '-', not starting or ending with '-'.
bool is_host_name(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t label = 0;
  char prev = '.';
  for (char c : s) {
    if (c == '.') {
      if (label == 0 || prev == '-') return false;
      label = 0;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') {
      if (label == 0 && c == '-') return false;
      if (++label > 63) return false;
    } else {
      return false;
    }
    prev = c;
  }
  return prev != '-';
}

}  // namespace

std::string BaseUrl::authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

std::string BaseUrl::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80)) h += ":" + std::to_string(port);
  return h;
}

BaseUrl parse_base_url(std::string_view url) {
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) fail(url, "contains whitespace, control or non-ASCII characters");
  }
  BaseUrl out;
  std::string lower(url.substr(0, std::min<std::size_t>(url.size(), 8)));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view rest;
  if (lower.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (lower.rfind("https://", 0) == 0) {
    out.tls = true;
    rest = url.substr(8);
  } else {
    fail(url, "expected http:// or https://");
  }
  if (rest.find_first_of("?#") != std::string_view::npos)
    fail(url, "query or fragment not allowed");
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) fail(url, "user info not allowed");
  if (authority.empty()) fail(url, "missing host");

  std::string_view port_text;
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) fail(url, "unterminated '[' in IPv6 host");
    out.host = std::string(authority.substr(1, close - 1));
    if (!is_ipv6(out.host)) fail(url, "'" + out.host + "' is not an IPv6 address");
    out.host_is_ip = true;
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') fail(url, "unexpected characters after ']'");
      port_text = after.substr(1);
      if (port_text.empty()) fail(url, "empty port");
    }
  } else {
    const std::size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) fail(url, "empty port");
    }
    std::transform(out.host.begin(), out.host.end(), out.host.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (out.host.empty()) fail(url, "missing host");
    if (is_ipv4(out.host)) {
      out.host_is_ip = true;
    } else if (!is_host_name(out.host) ||
               std::all_of(out.host.begin(), out.host.end(),
                           [](unsigned char c) { return std::isdigit(c) || c == '.'; })) {
      fail(url, "'" + out.host + "' is not a valid host name or IPv4 address");
    }
  }

  if (!port_text.empty()) {
    if (port_text.size() > 5 || !std::all_of(port_text.begin(), port_text.end(),
                                             [](unsigned char c) { return std::isdigit(c); })) {
      fail(url, "port '" + std::string(port_text) + "' is not a number");
    }
    const int port = std::stoi(std::string(port_text));
    if (port < 1 || port > 65535) fail(url, "port " + std::to_string(port) + " outside 1..65535");
    out.port = static_cast<std::uint16_t>(port);
  } else {
    out.port = out.tls ? 443 : 80;
  }

  std::string prefix(path);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (prefix.find("//") != std::string::npos) fail(url, "empty path segment");
  out.prefix = std::move(prefix);
  return out;
}

}  // namespace tempoload::http
