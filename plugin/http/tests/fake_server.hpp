// A scripted HTTP(S) server on 127.0.0.1 for client tests: it reads one request per connection
// and answers with whatever the test's function returns, byte for byte (or never answers).
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tempoload::http::testing {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct FakeReply {
  std::string bytes;  // sent as is
  bool close = true;  // false: keep the connection open and silent after the bytes
};

class FakeServer {
 public:
  // reply(request) -> bytes to send; std::nullopt = never answer.
  using ReplyFn = std::function<std::optional<FakeReply>(const std::string& request)>;

  explicit FakeServer(ReplyFn reply, std::shared_ptr<net::ssl::context> tls = nullptr)
      : reply_(std::move(reply)), tls_(std::move(tls)) {
    acceptor_.open(tcp::v4());
    acceptor_.bind(tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), 0));
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~FakeServer() {
    ioc_.stop();
    thread_.join();
  }

  std::uint16_t port() const { return port_; }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::string sni() const {  // server name the last TLS client sent
    std::lock_guard lock(mutex_);
    return sni_;
  }

 private:
  template <class Stream>
  struct Conn : std::enable_shared_from_this<Conn<Stream>> {
    template <class... Args>
    Conn(FakeServer& s, Args&&... args) : server(s), stream(std::forward<Args>(args)...) {}
    FakeServer& server;
    Stream stream;
    std::string in;
    std::string out;
    char sink[4096];

    void start() {
      if constexpr (std::is_same_v<Stream, tcp::socket>) {
        read_head();
      } else {
        stream.async_handshake(net::ssl::stream_base::server,
                               [self = this->shared_from_this()](boost::system::error_code ec) {
                                 if (ec) return;
                                 const char* name = SSL_get_servername(self->stream.native_handle(),
                                                                       TLSEXT_NAMETYPE_host_name);
                                 std::lock_guard lock(self->server.mutex_);
                                 self->server.sni_ = name ? name : "";
                                 self->read_head();
                               });
      }
    }
    void read_head() {
      net::async_read_until(
          stream, net::dynamic_buffer(in), "\r\n\r\n",
          [self = this->shared_from_this()](boost::system::error_code ec, std::size_t head) {
            if (ec) return;
            self->read_body(head);
          });
    }
    void read_body(std::size_t head) {
      std::size_t length = 0;
      std::string lower = in.substr(0, head);
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (auto p = lower.find("\r\ncontent-length:"); p != std::string::npos) {
        length = std::stoul(lower.substr(p + 17));
      }
      const std::size_t have = in.size() - head;
      const std::size_t need = length > have ? length - have : 0;
      net::async_read(stream, net::dynamic_buffer(in), net::transfer_exactly(need),
                      [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
                        if (ec) return;
                        self->answer();
                      });
    }
    void answer() {
      std::optional<FakeReply> reply;
      {
        std::lock_guard lock(server.mutex_);
        server.requests_.push_back(in);
      }
      reply = server.reply_(in);
      if (!reply) return drain();  // never answer; the client times out
      out = reply->bytes;
      net::async_write(stream, net::buffer(out),
                       [self = this->shared_from_this(), close = reply->close](
                           boost::system::error_code ec, std::size_t) {
                         if (ec || !close) return self->drain();
                         boost::system::error_code ignored;
                         self->lowest().shutdown(tcp::socket::shutdown_send, ignored);
                         self->drain();
                       });
    }
    // Reads and discards until the client closes (or the server stops).
    void drain() {
      stream.async_read_some(net::buffer(sink), [self = this->shared_from_this()](
                                                    boost::system::error_code ec, std::size_t) {
        if (!ec) self->drain();
      });
    }
    tcp::socket& lowest() {
      if constexpr (std::is_same_v<Stream, tcp::socket>) {
        return stream;
      } else {
        return stream.next_layer();
      }
    }
  };

  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      if (tls_) {
        std::make_shared<Conn<net::ssl::stream<tcp::socket>>>(*this, std::move(socket), *tls_)
            ->start();
      } else {
        std::make_shared<Conn<tcp::socket>>(*this, std::move(socket))->start();
      }
      accept();
    });
  }

  ReplyFn reply_;
  std::shared_ptr<net::ssl::context> tls_;
  net::io_context ioc_;
  tcp::acceptor acceptor_{ioc_};
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::string sni_;
  std::thread thread_;
};

// A canned reply: status line, headers, Content-Length and body.
inline FakeReply http_reply(const std::string& status_line, const std::string& body,
                            const std::string& extra_headers = "") {
  return {"HTTP/1.1 " + status_line + "\r\n" + extra_headers +
              "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
              "\r\n\r\n" + body,
          true};
}

}  // namespace tempoload::http::testing
