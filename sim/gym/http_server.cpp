#include "sim/gym/http_server.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <csignal>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "sim/gym/gym_routes.hpp"

namespace tempoload::gym {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using beast::error_code;
using Clock = std::chrono::steady_clock;

constexpr auto kWriteTimeout = std::chrono::seconds(10);
constexpr auto kLingerTimeout = std::chrono::seconds(2);
// Not a valid HTTP response after the status line: header lines may not contain these bytes.
constexpr std::string_view kGarbage =
    "HTTP/1.1 200 OK\r\n\x01\x02\x03 injected garbage, this is not HTTP \xff\xfe\r\n\r\n";

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

std::string str(beast::string_view s) { return std::string(s.data(), s.size()); }

class Session;

// State shared by the acceptor and all connections; lives as long as the last of them.
struct Shared {
  Shared(ReportStore& s, GymServerOptions o)
      : store(s), options(o), faults(o.fail_mode, o.fail_count) {}
  ReportStore& store;
  GymServerOptions options;
  FaultInjector faults;
  std::shared_ptr<spdlog::logger> log;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Shared> shared)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), shared_(std::move(shared)) {
    error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  ~Session() { shared_->sessions.erase(this); }

  void start() {
    shared_->sessions[this] = weak_from_this();
    read_request();
  }

  // Server shutdown: drop the connection whatever it is doing.
  void abort() {
    error_code ec;
    timer_.cancel();
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

 private:
  void read_request() {
    parser_.emplace();
    parser_->body_limit(kMaxReportBytes);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(seconds(shared_->options.idle_timeout_s));
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(error_code ec) {
    started_ = Clock::now();
    if (ec == bhttp::error::body_limit) {
      method_ = str(parser_->get().method_string());
      target_ = str(parser_->get().target());
      respond(
          error_response(413, "request body exceeds " + std::to_string(kMaxReportBytes) + " bytes"),
          false, "");
      return;
    }
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset) {
      return abort();  // the client went away or idled out: nothing to answer
    }
    if (ec) {
      method_ = "?";
      target_ = "?";
      respond(error_response(400, "malformed HTTP request: " + ec.message()), false, "");
      return;
    }
    bhttp::request<bhttp::string_body> req = parser_->release();
    method_ = str(req.method_string());
    target_ = str(req.target());
    if (target_.size() > 200) target_ = target_.substr(0, 200) + "...";
    const bool keep_alive = req.keep_alive();

    const FaultMode fault =
        req.method() == bhttp::verb::post ? shared_->faults.next_post() : FaultMode::kNone;
    const std::string tag =
        fault == FaultMode::kNone ? "" : " [injected fault " + to_string(fault) + "]";
    switch (fault) {
      case FaultMode::k500:
        return respond(error_response(500, "injected fault: internal server error"), keep_alive,
                       tag);
      case FaultMode::k429: {
        GymResponse r = error_response(429, "injected fault: too many requests");
        r.headers.emplace_back("Retry-After", "1");
        return respond(r, keep_alive, tag);
      }
      case FaultMode::kGarbage:
        log_line("garbage", tag);
        return write_raw(std::string(kGarbage));
      case FaultMode::kClose:
        log_line("closed without reply", tag);
        return abort();
      case FaultMode::kSlow:
      case FaultMode::kNone:
        break;
    }

    GymRequest greq;
    greq.method = method_;
    greq.target = str(req.target());
    if (auto it = req.find(bhttp::field::content_type); it != req.end()) {
      greq.content_type = str(it->value());
    }
    if (auto it = req.find("Idempotency-Key"); it != req.end()) {
      greq.idempotency_key = str(it->value());
    }
    greq.body = std::move(req.body());
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    GymResponse gres = handle_request(shared_->store, greq, now_ms);
    if (fault == FaultMode::kSlow) return respond_slowly(gres, tag);
    respond(gres, keep_alive, tag);
  }

  bhttp::response<bhttp::string_body> make_response(const GymResponse& r, bool keep_alive) {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), 11};
    res.set(bhttp::field::server, "tempoload-gym");
    res.set(bhttp::field::content_type, "application/json");
    for (const auto& [name, value] : r.headers) res.set(name, value);
    res.body() = r.body;
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
  }

  void respond(const GymResponse& r, bool keep_alive, const std::string& tag) {
    log_line(std::to_string(r.status), tag);
    response_ = make_response(r, keep_alive);
    stream_.expires_after(kWriteTimeout);
    bhttp::async_write(stream_, response_,
                       [self = shared_from_this(), keep_alive](error_code ec, std::size_t) {
                         if (ec) return self->abort();
                         if (keep_alive) return self->read_request();
                         self->linger_close();
                       });
  }

  void write_raw(std::string bytes) {
    raw_ = std::move(bytes);
    stream_.expires_after(kWriteTimeout);
    net::async_write(stream_, net::buffer(raw_),
                     [self = shared_from_this()](error_code ec, std::size_t) {
                       if (ec) return self->abort();
                       self->linger_close();
                     });
  }

  // Headers at once, then the body one byte at a time spread over slow_seconds.
  void respond_slowly(const GymResponse& r, const std::string& tag) {
    log_line(std::to_string(r.status) + " (slow)", tag);
    std::ostringstream out;
    out << make_response(r, false);
    raw_ = out.str();
    const std::size_t body_start = raw_.find("\r\n\r\n") + 4;
    const std::size_t body_bytes = raw_.size() - body_start;
    dribble_interval_ = seconds(shared_->options.slow_seconds /
                                static_cast<double>(body_bytes > 0 ? body_bytes : 1));
    stream_.expires_after(kWriteTimeout);
    net::async_write(stream_, net::buffer(raw_.data(), body_start),
                     [self = shared_from_this(), body_start](error_code ec, std::size_t) {
                       if (ec) return self->abort();
                       self->dribble(body_start);
                     });
  }

  void dribble(std::size_t pos) {
    if (pos >= raw_.size()) return linger_close();
    timer_.expires_after(dribble_interval_);
    timer_.async_wait([self = shared_from_this(), pos](error_code ec) {
      if (ec) return self->abort();
      self->stream_.expires_after(kWriteTimeout);
      net::async_write(self->stream_, net::buffer(self->raw_.data() + pos, 1),
                       [self, pos](error_code ec, std::size_t) {
                         if (ec) return self->abort();
                         self->dribble(pos + 1);
                       });
    });
  }

  // Half-close, then discard what the client still sends (e.g. the rest of a 413 body) until it
  // closes, so our reply is not destroyed by a TCP reset. Bounded by kLingerTimeout.
  void linger_close() {
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(kLingerTimeout);
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](error_code ec, std::size_t) {
                              if (ec) return self->abort();
                              self->drain();
                            });
  }

  void log_line(const std::string& outcome, const std::string& tag) {
    if (shared_->options.quiet) return;
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
    shared_->log->info("{} \"{} {}\" {} {:.1f} ms{}", remote_, method_, target_, outcome, ms, tag);
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  std::shared_ptr<Shared> shared_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
  std::string raw_;
  Clock::duration dribble_interval_{};
  char discard_[4096];
  std::string remote_;
  std::string method_;
  std::string target_;
  Clock::time_point started_ = Clock::now();
};

}  // namespace

struct GymServer::Impl {
  net::io_context ioc{1};
  std::shared_ptr<Shared> shared;
  tcp::acceptor acceptor{ioc};
  std::optional<net::signal_set> signals;
  std::uint16_t port = 0;
  bool stopped = false;

  Impl(ReportStore& store, GymServerOptions options)
      : shared(std::make_shared<Shared>(store, options)) {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    shared->log = std::make_shared<spdlog::logger>("tempoload-gym", sink);
    shared->log->set_pattern("[%Y-%m-%d %H:%M:%S.%e] %v");
    const tcp::endpoint endpoint(net::ip::make_address_v4("127.0.0.1"), options.port);
    error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(options.port) + ": " +
                               ec.message());
    }
    port = acceptor.local_endpoint().port();
    if (options.stop_on_signals) {
      signals.emplace(ioc, SIGINT, SIGTERM);
      signals->async_wait([this](error_code ec, int sig) {
        if (ec) return;
        shared->log->info("signal {}: stopping", sig);
        do_stop();
      });
    }
    accept();
  }

  void accept() {
    acceptor.async_accept([this](error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) {
        shared->log->warn("accept: {}", ec.message());
      } else {
        std::make_shared<Session>(std::move(socket), shared)->start();
      }
      accept();
    });
  }

  void do_stop() {
    if (stopped) return;
    stopped = true;
    error_code ec;
    acceptor.close(ec);
    if (signals) signals->cancel(ec);
    auto sessions = shared->sessions;  // abort() may erase entries
    for (auto& [raw, weak] : sessions) {
      if (auto s = weak.lock()) s->abort();
    }
  }
};

GymServer::GymServer(ReportStore& store, GymServerOptions options)
    : impl_(std::make_unique<Impl>(store, options)) {}

GymServer::~GymServer() {
  impl_->do_stop();
  impl_->ioc.restart();
  impl_->ioc.poll();  // let the aborted connections' handlers finish before the store goes
}

std::uint16_t GymServer::port() const { return impl_->port; }

void GymServer::run() { impl_->ioc.run(); }

void GymServer::stop() {
  net::post(impl_->ioc, [impl = impl_.get()] { impl->do_stop(); });
}

}  // namespace tempoload::gym
