#include "plugin/http/http_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "plugin/http/http_url.hpp"

namespace tempoload::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using beast::error_code;

HttpResult failure(std::string error) {
  HttpResult r;
  r.error = std::move(error);
  return r;
}

std::string format_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

// Starts one asynchronous operation and runs the io_context until its handler has run. Every
// operation started through here carries a deadline (tcp_stream::expires_at), so this returns.
template <class Initiate>
error_code run_op(net::io_context& ioc, Initiate&& initiate) {
  error_code result = net::error::would_block;
  bool done = false;
  initiate([&](error_code ec, auto&&...) {
    result = ec;
    done = true;
  });
  ioc.restart();
  while (!done && ioc.run_one() > 0) {
  }
  return result;
}

std::optional<double> parse_retry_after(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (v.empty() || v.size() > 9) return std::nullopt;
  double seconds = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;  // an HTTP-date or junk: ignored
    seconds = seconds * 10 + (c - '0');
  }
  return seconds;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!(std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos))
      return false;
  }
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  return beast::iequals(beast::string_view(a.data(), a.size()),
                        beast::string_view(b.data(), b.size()));
}

std::string_view to_std(beast::string_view s) { return {s.data(), s.size()}; }

}  // namespace

struct HttpClient::Impl {
  std::string base_url_text;
  BaseUrl url;
  HttpClientOptions opts;
  net::io_context ioc;
  std::optional<ssl::context> tls_ctx;

  Impl(std::string text, HttpClientOptions o)
      : base_url_text(std::move(text)), url(parse_base_url(base_url_text)), opts(std::move(o)) {
    if (!(opts.timeout_s > 0) || !std::isfinite(opts.timeout_s)) {
      throw std::invalid_argument("HttpClientOptions.timeout_s must be > 0, got " +
                                  format_seconds(opts.timeout_s));
    }
    if (opts.max_body_bytes == 0) {
      throw std::invalid_argument("HttpClientOptions.max_body_bytes must be > 0");
    }
    if (url.tls) {
      tls_ctx.emplace(ssl::context::tls_client);
      tls_ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1);
      error_code ec;
      if (!opts.ca_file.empty()) {
        tls_ctx->load_verify_file(opts.ca_file, ec);
        if (ec) {
          throw std::runtime_error("cannot load CA file '" + opts.ca_file + "': " + ec.message());
        }
      } else {
        tls_ctx->set_default_verify_paths(ec);
        if (ec) throw std::runtime_error("cannot load the system CA store: " + ec.message());
      }
      tls_ctx->set_verify_mode(opts.verify ? ssl::verify_peer : ssl::verify_none);
    }
  }

  // Runs the completions of cancelled timers left behind by the streams of the last request.
  void drain() {
    ioc.restart();
    ioc.poll();
  }

  std::string timeout_error(const char* phase) const {
    return "timeout after " + format_seconds(opts.timeout_s) + " s " + phase;
  }

  // Resolves the host (or takes the IP literal) before the deadline.
  HttpResult resolve(Clock::time_point deadline, std::vector<tcp::endpoint>& out) {
    if (url.host_is_ip) {
      out.emplace_back(net::ip::make_address(url.host), url.port);
      return {true, {}, {}};
    }
    struct State {
      bool done = false;
      error_code ec;
      std::vector<tcp::endpoint> endpoints;
    };
    auto state = std::make_shared<State>();
    auto resolver = std::make_shared<tcp::resolver>(ioc);
    // The handler owns its state: if the system resolver outlives the deadline, the late
    // completion runs harmlessly during a later call.
    resolver->async_resolve(url.host, std::to_string(url.port),
                            [state, resolver](error_code ec, tcp::resolver::results_type r) {
                              state->done = true;
                              state->ec = ec;
                              for (const auto& e : r) state->endpoints.push_back(e.endpoint());
                            });
    ioc.restart();
    while (!state->done && Clock::now() < deadline && ioc.run_one_until(deadline) > 0) {
    }
    if (!state->done) {
      resolver->cancel();
      return failure(timeout_error(("resolving " + url.host).c_str()));
    }
    if (state->ec) return failure("resolve " + url.host + ": " + state->ec.message());
    if (state->endpoints.empty()) return failure("resolve " + url.host + ": no addresses");
    out = std::move(state->endpoints);
    return {true, {}, {}};
  }

  // Maps a read error to the message the caller sees.
  std::string read_error(const error_code& ec, const char* phase) const {
    if (ec == beast::error::timeout) return timeout_error(phase);
    if (ec == bhttp::error::body_limit) {
      return "response body exceeds max_body_bytes (" + std::to_string(opts.max_body_bytes) +
             " bytes)";
    }
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
        ec == ssl::error::stream_truncated) {
      return std::string("connection closed by ") + url.authority() + " without a response";
    }
    if (ec == bhttp::error::partial_message) {
      return std::string("connection closed by ") + url.authority() + " in the middle of the " +
             "response (" + phase + ")";
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category() ||
        ec == bhttp::error::header_limit) {
      return "malformed HTTP response: " + ec.message();
    }
    return std::string(phase) + " from " + url.authority() + ": " + ec.message();
  }

  template <class Stream>
  HttpResult exchange(Stream& stream, bhttp::request<bhttp::string_body>& req) {
    error_code ec = run_op(ioc, [&](auto h) { bhttp::async_write(stream, req, std::move(h)); });
    if (ec == beast::error::timeout) return failure(timeout_error("sending request"));
    if (ec) return failure("send request to " + url.authority() + ": " + ec.message());

    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(opts.max_body_bytes);
    ec = run_op(ioc,
                [&](auto h) { bhttp::async_read_header(stream, buffer, parser, std::move(h)); });
    if (ec) return failure(read_error(ec, "reading response headers"));
    if (!parser.is_done()) {
      ec = run_op(ioc, [&](auto h) { bhttp::async_read(stream, buffer, parser, std::move(h)); });
      if (ec) return failure(read_error(ec, "reading body"));
    }
    auto& msg = parser.get();
    HttpResult result;
    result.ok = true;
    result.response.status = static_cast<int>(msg.result_int());
    result.response.body = std::move(msg.body());
    if (auto it = msg.find(bhttp::field::content_type); it != msg.end()) {
      result.response.content_type = std::string(to_std(it->value()));
    }
    if (auto it = msg.find(bhttp::field::retry_after); it != msg.end()) {
      result.response.retry_after_s = parse_retry_after(to_std(it->value()));
    }
    return result;
  }

  HttpResult request(bhttp::verb verb, std::string_view target, std::string_view body,
                     bool json_body, const HttpHeaders& headers) {
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(opts.timeout_s));
    if (target.empty() || target.front() != '/') {
      return failure("invalid target '" + std::string(target) + "': must start with '/'");
    }
    for (unsigned char c : target) {
      if (c <= 0x20 || c >= 0x7f) {
        return failure("invalid target '" + std::string(target) +
                       "': whitespace, control or non-ASCII character");
      }
    }
    bhttp::request<bhttp::string_body> req{verb, url.prefix + std::string(target), 11};
    req.set(bhttp::field::host, url.host_header());
    req.set(bhttp::field::user_agent, opts.user_agent);
    req.set(bhttp::field::connection, "close");
    if (json_body) req.set(bhttp::field::content_type, "application/json");
    for (const auto& [name, value] : headers) {
      if (!is_token(name)) return failure("invalid header name '" + name + "'");
      if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
        return failure("invalid value for header '" + name + "': contains CR, LF or NUL");
      }
      for (const char* reserved : {"host", "content-length", "transfer-encoding", "connection"}) {
        if (iequals(name, reserved)) return failure("header '" + name + "' is set by the client");
      }
      req.set(name, value);
    }
    req.body() = std::string(body);
    req.prepare_payload();

    std::vector<tcp::endpoint> endpoints;
    if (HttpResult r = resolve(deadline, endpoints); !r.ok) return r;

    if (!url.tls) {
      beast::tcp_stream stream(ioc);
      stream.expires_at(deadline);
      error_code ec = run_op(ioc, [&](auto h) { stream.async_connect(endpoints, std::move(h)); });
      if (ec == beast::error::timeout) return failure(timeout_error("connecting"));
      if (ec) return failure("connect " + url.authority() + ": " + ec.message());
      HttpResult r = exchange(stream, req);
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      return r;
    }

    beast::ssl_stream<beast::tcp_stream> stream(ioc, *tls_ctx);
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_at(deadline);
    SSL* ssl = stream.native_handle();
    if (!url.host_is_ip) {
      SSL_set_tlsext_host_name(ssl, url.host.c_str());  // SNI (never for IP literals)
      if (opts.verify) SSL_set1_host(ssl, url.host.c_str());
    } else if (opts.verify) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url.host.c_str());
    }
    error_code ec = run_op(ioc, [&](auto h) { lowest.async_connect(endpoints, std::move(h)); });
    if (ec == beast::error::timeout) return failure(timeout_error("connecting"));
    if (ec) return failure("connect " + url.authority() + ": " + ec.message());
    ec = run_op(ioc,
                [&](auto h) { stream.async_handshake(ssl::stream_base::client, std::move(h)); });
    if (ec == beast::error::timeout) return failure(timeout_error("in the TLS handshake"));
    if (ec) {
      std::string msg = "TLS handshake with " + url.authority() + ": " + ec.message();
      const long verify = SSL_get_verify_result(ssl);
      if (verify != X509_V_OK)
        msg += " (" + std::string(X509_verify_cert_error_string(verify)) + ")";
      return failure(msg);
    }
    HttpResult r = exchange(stream, req);
    lowest.socket().shutdown(tcp::socket::shutdown_both, ec);  // no close_notify: not worth a wait
    return r;
  }
};

HttpClient::HttpClient(std::string base_url, HttpClientOptions opts)
    : impl_(std::make_unique<Impl>(std::move(base_url), std::move(opts))) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

HttpResult HttpClient::post_json(std::string_view target, std::string_view body,
                                 const HttpHeaders& headers) {
  HttpResult r = impl_->request(bhttp::verb::post, target, body, true, headers);
  impl_->drain();
  return r;
}

HttpResult HttpClient::put_json(std::string_view target, std::string_view body,
                                const HttpHeaders& headers) {
  HttpResult r = impl_->request(bhttp::verb::put, target, body, true, headers);
  impl_->drain();
  return r;
}

HttpResult HttpClient::get(std::string_view target, const HttpHeaders& headers) {
  HttpResult r = impl_->request(bhttp::verb::get, target, {}, false, headers);
  impl_->drain();
  return r;
}

const std::string& HttpClient::base_url() const { return impl_->base_url_text; }

}  // namespace tempoload::http
