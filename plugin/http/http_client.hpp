// A small blocking HTTP/1.1 client (Boost.Beast underneath) for the report outbox and tools.
//
// One call = one connection = one bounded request: resolve, connect, TLS handshake, send and
// receive all finish within options.timeout_s in total, or the call returns a "timeout after ..."
// error. No retries, no redirects, no connection reuse ("Connection: close" is sent).
// An HttpClient is not thread-safe; use one per thread (they are cheap).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tempoload::http {

struct HttpClientOptions {
  double timeout_s = 5.0;                 // whole request, connect to last body byte [s], > 0
  std::string ca_file;                    // PEM CA bundle for https; "" = system CAs
  bool verify = true;                     // https: verify the chain and the host name
  std::size_t max_body_bytes = 4u << 20;  // larger response bodies are an error
  std::string user_agent = "tempoload-http/0.1";
};

struct HttpResponse {
  int status = 0;  // e.g. 201; any status is a transport success
  std::string body;
  std::string content_type;             // Content-Type header, "" if absent
  std::optional<double> retry_after_s;  // Retry-After as delay-seconds; unset if absent/a date
};

struct HttpResult {
  bool ok = false;    // the exchange completed and `response` holds a parsed HTTP response
  std::string error;  // when !ok: what failed, e.g. "connect 127.0.0.1:8080: Connection
                      // refused", "timeout after 5 s reading body", "malformed HTTP response:
                      // bad version"
  HttpResponse response;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  // base_url: http://host[:port][/prefix] or https://... (TLS 1.2+, SNI for host names, chain and
  // host name verified unless opts.verify is false). Throws std::invalid_argument for a bad URL
  // or options, std::runtime_error if opts.ca_file cannot be loaded.
  explicit HttpClient(std::string base_url, HttpClientOptions opts = {});
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // POST body with Content-Type: application/json and extra headers (e.g. Idempotency-Key).
  // target starts with '/' and is appended to the base URL's prefix.
  HttpResult post_json(std::string_view target, std::string_view body,
                       const HttpHeaders& headers = {});
  // PUT with a JSON body, as post_json.
  HttpResult put_json(std::string_view target, std::string_view body,
                      const HttpHeaders& headers = {});
  HttpResult get(std::string_view target, const HttpHeaders& headers = {});

  const std::string& base_url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tempoload::http
