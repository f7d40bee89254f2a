// Strict parsing of the client's base URL: http://host[:port][/prefix] or https://...
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tempoload::http {

struct BaseUrl {
  bool tls = false;         // https://
  std::string host;         // name, IPv4 literal or IPv6 literal without brackets
  std::uint16_t port = 0;   // explicit or the scheme's default (80 / 443)
  std::string prefix;       // path prefix without a trailing '/', "" when none
  bool host_is_ip = false;  // host is an IP literal (no DNS, no SNI, IP certificate check)

  // Value of the Host header: host, bracketed if IPv6, with ":port" unless default.
  std::string host_header() const;
  // "host:port" (IPv6 bracketed) for error messages.
  std::string authority() const;
};

// Throws std::invalid_argument naming the URL and what is wrong with it. Rejected: schemes other
// than http/https, user info, empty or malformed hosts, ports outside 1..65535, queries,
// fragments, whitespace and control characters.
BaseUrl parse_base_url(std::string_view url);

}  // namespace tempoload::http
