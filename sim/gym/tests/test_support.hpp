// Test helpers for the gym server: temporary directories, a sample report, a server running on a
// background thread, and a small keep-alive HTTP client with bounded waits.
#pragma once

#include <google/protobuf/util/json_util.h>
#include <stdlib.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sim/gym/http_server.hpp"
#include "sim/gym/report_store.hpp"
#include "tempoload/v1/training.pb.h"

namespace tempoload::gym::testing {

// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "tempoload-gym-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A report that exercises every kind of field: strings, int64, doubles, enums, nesting.
inline tempoload::v1::SessionReport sample_report(const std::string& session_id,
                                                  unsigned reps_per_set = 3) {
  tempoload::v1::SessionReport r;
  r.set_session_id(session_id);
  r.set_machine_id("calf-01");
  r.set_machine_model("CalfPro 2");
  r.set_athlete_id("athlete-7");
  r.set_started_at_unix_ms(1'700'000'000'000);
  r.set_ended_at_unix_ms(1'700'000'900'000);
  for (unsigned s = 1; s <= 2; ++s) {
    auto* set = r.add_sets();
    set->set_set_index(s);
    set->mutable_prescription()->set_reps(reps_per_set + 1);
    set->mutable_prescription()->set_load_n(400.5);
    set->mutable_prescription()->mutable_tempo()->set_eccentric_s(3.5);
    for (unsigned i = 1; i <= reps_per_set + 1; ++i) {
      auto* rep = set->add_reps();
      rep->set_index(i);
      rep->set_counted(i <= reps_per_set);
      rep->set_verdict(i <= reps_per_set ? tempoload::v1::REP_VERDICT_COUNTED
                                         : tempoload::v1::REP_VERDICT_TOO_FAST);
      rep->set_cue(i <= reps_per_set ? "" : "lower slower: 1.6 s, target 3.5 s");
      rep->set_eccentric_s(3.4 + 0.01 * i);
      rep->set_symmetry_index_pct(-2.25);
      rep->set_completed_at_unix_ms(1'700'000'000'000 + 10'000 * i);
    }
    set->mutable_summary()->set_reps_counted(reps_per_set);
    set->mutable_summary()->set_reps_attempted(reps_per_set + 1);
    set->mutable_summary()->set_end_reason("target reached");
  }
  return r;
}

inline std::string to_json(const google::protobuf::Message& m) {
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(m, &out).ok()) throw std::runtime_error("json");
  return out;
}

inline tempoload::v1::SessionReport parse_report(const std::string& json) {
  tempoload::v1::SessionReport r;
  auto status = google::protobuf::util::JsonStringToMessage(json, &r);
  if (!status.ok()) throw std::runtime_error("bad report JSON: " + std::string(status.message()));
  return r;
}

// A GymServer serving on a background thread for the lifetime of this object.
class RunningServer {
 public:
  RunningServer(ReportStore& store, GymServerOptions options)
      : server_(store, with_quiet(options)), thread_([this] { server_.run(); }) {}
  ~RunningServer() {
    server_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return server_.port(); }

 private:
  static GymServerOptions with_quiet(GymServerOptions o) {
    if (!std::getenv("TEMPOLOAD_TEST_VERBOSE")) o.quiet = true;
    o.port = 0;
    return o;
  }
  GymServer server_;
  std::thread thread_;
};

struct TestResponse {
  int status = 0;
  std::string body;
  bool keep_alive = false;
  boost::beast::http::fields headers;
  std::string header(const char* name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : std::string(it->value());
  }
};

// One keep-alive connection to 127.0.0.1:port. Every operation is bounded by 5 s and throws
// std::runtime_error on failure.
class TestConnection {
 public:
  explicit TestConnection(std::uint16_t port) : stream_(ioc_) {
    stream_.expires_after(std::chrono::seconds(5));
    auto ec = run([&](auto h) {
      stream_.async_connect(
          boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port),
          std::move(h));
    });
    if (ec) throw std::runtime_error("connect: " + ec.message());
  }

  TestResponse request(boost::beast::http::verb verb, const std::string& target,
                       const std::string& body = {},
                       const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    namespace http = boost::beast::http;
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [n, v] : headers) req.set(n, v);
    req.body() = body;
    req.prepare_payload();
    stream_.expires_after(std::chrono::seconds(5));
    auto ec = run([&](auto h) { http::async_write(stream_, req, std::move(h)); });
    if (ec) throw std::runtime_error("write: " + ec.message());
    http::response_parser<http::string_body> parser;
    parser.body_limit(16u << 20);
    ec = run([&](auto h) { http::async_read(stream_, buffer_, parser, std::move(h)); });
    if (ec) throw std::runtime_error("read: " + ec.message());
    auto msg = parser.release();
    TestResponse out;
    out.status = static_cast<int>(msg.result_int());
    out.body = msg.body();
    out.keep_alive = msg.keep_alive();
    out.headers = msg.base();
    return out;
  }

  // Sends raw bytes and reads one response.
  TestResponse raw(const std::string& bytes) {
    stream_.expires_after(std::chrono::seconds(5));
    auto ec = run([&](auto h) {
      boost::asio::async_write(stream_, boost::asio::buffer(bytes), std::move(h));
    });
    if (ec) throw std::runtime_error("write: " + ec.message());
    namespace http = boost::beast::http;
    http::response<http::string_body> msg;
    ec = run([&](auto h) { http::async_read(stream_, buffer_, msg, std::move(h)); });
    if (ec) throw std::runtime_error("read: " + ec.message());
    TestResponse out;
    out.status = static_cast<int>(msg.result_int());
    out.body = msg.body();
    out.keep_alive = msg.keep_alive();
    return out;
  }

  // True when the server closes the connection within 5 s.
  bool closed_by_server() {
    stream_.expires_after(std::chrono::seconds(5));
    char byte;
    auto ec =
        run([&](auto h) { stream_.async_read_some(boost::asio::buffer(&byte, 1), std::move(h)); });
    return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
  }

 private:
  template <class Initiate>
  boost::beast::error_code run(Initiate&& initiate) {
    boost::beast::error_code result = boost::asio::error::would_block;
    bool done = false;
    initiate([&](boost::beast::error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    ioc_.restart();
    while (!done && ioc_.run_one() > 0) {
    }
    return result;
  }

  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
};

inline std::vector<std::pair<std::string, std::string>> post_headers(const std::string& key) {
  return {{"Content-Type", "application/json"}, {"Idempotency-Key", key}};
}

}  // namespace tempoload::gym::testing
