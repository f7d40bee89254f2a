// The tempoload-gym executable: CLI, the listening line, signals, startup errors.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "sim/gym/tests/test_support.hpp"

extern char** environ;

namespace tempoload::gym {
namespace {

using namespace tempoload::gym::testing;
using Clock = std::chrono::steady_clock;

// A child process with stdout and stderr captured through pipes; killed if still running at the
// end.
class Child {
 public:
  explicit Child(std::vector<std::string> args) {
    args.insert(args.begin(), TEMPOLOAD_GYM_BIN);
    int out[2], err[2];
    if (pipe(out) != 0 || pipe(err) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addclose(&actions, err[0]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
      throw std::runtime_error("posix_spawn " + args[0]);
    }
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    close(err[1]);
    out_ = out[0];
    err_ = err[0];
  }
  ~Child() {
    if (pid_ > 0 && !exit_code_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(out_);
    close(err_);
  }

  // Reads stdout until a full line arrives or the deadline passes.
  std::optional<std::string> read_stdout_line(std::chrono::seconds limit) {
    const auto deadline = Clock::now() + limit;
    while (true) {
      if (auto nl = out_buf_.find('\n'); nl != std::string::npos) {
        std::string line = out_buf_.substr(0, nl);
        out_buf_.erase(0, nl + 1);
        return line;
      }
      if (!read_some(out_, out_buf_, deadline)) return std::nullopt;
    }
  }

  // Waits for the exit (bounded); collects the rest of stdout and stderr.
  std::optional<int> wait_exit(std::chrono::seconds limit) {
    const auto deadline = Clock::now() + limit;
    while (read_some(out_, out_buf_, deadline)) {
    }
    while (read_some(err_, err_buf_, deadline)) {
    }
    while (Clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_code_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling waitpid
    }
    return std::nullopt;
  }

  void signal(int sig) { kill(pid_, sig); }
  const std::string& rest_of_stdout() const { return out_buf_; }
  const std::string& stderr_text() const { return err_buf_; }

 private:
  // False at EOF or deadline.
  static bool read_some(int fd, std::string& into, Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    into.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  std::string out_buf_;
  std::string err_buf_;
  std::optional<int> exit_code_;
};

TEST(GymProcess, PrintsOneListeningLineServesAndStopsOnSigterm) {
  TempDir dir;
  Child gym({"--db", dir.file("gym.db"), "--port", "0"});
  auto line = gym.read_stdout_line(std::chrono::seconds(10));
  ASSERT_TRUE(line) << "no listening line";
  std::smatch m;
  ASSERT_TRUE(
      std::regex_match(*line, m, std::regex(R"(tempoload-gym listening on 127\.0\.0\.1:(\d+))")))
      << *line;
  const auto port = static_cast<std::uint16_t>(std::stoi(m[1]));
  TestConnection conn(port);
  EXPECT_EQ(conn.request(boost::beast::http::verb::get, "/healthz").status, 200);
  EXPECT_EQ(conn.request(boost::beast::http::verb::post, "/api/v1/sessions",
                         to_json(sample_report("s-1")), post_headers("k-1"))
                .status,
            201);
  gym.signal(SIGTERM);
  auto code = gym.wait_exit(std::chrono::seconds(10));
  ASSERT_TRUE(code) << "did not exit after SIGTERM";
  EXPECT_EQ(*code, 0) << gym.stderr_text();
  EXPECT_EQ(gym.rest_of_stdout(), "");  // exactly one line on stdout
  // One log line per request on stderr, never the body.
  EXPECT_NE(gym.stderr_text().find("\"POST /api/v1/sessions\" 201"), std::string::npos)
      << gym.stderr_text();
  EXPECT_EQ(gym.stderr_text().find("athlete-7"), std::string::npos);
}

TEST(GymProcess, QuietLogsNoRequestsAndSigintStops) {
  TempDir dir;
  Child gym({"--db", dir.file("gym.db"), "--port", "0", "--quiet"});
  auto line = gym.read_stdout_line(std::chrono::seconds(10));
  ASSERT_TRUE(line);
  TestConnection conn(static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1))));
  EXPECT_EQ(conn.request(boost::beast::http::verb::get, "/healthz").status, 200);
  gym.signal(SIGINT);
  auto code = gym.wait_exit(std::chrono::seconds(10));
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 0);
  EXPECT_EQ(gym.stderr_text().find("/healthz"), std::string::npos) << gym.stderr_text();
}

TEST(GymProcess, BadArgumentsAndUnusableDatabaseFail) {
  TempDir dir;
  {
    Child gym({"--db", dir.file("gym.db"), "--fail-mode", "explode"});
    auto code = gym.wait_exit(std::chrono::seconds(10));
    ASSERT_TRUE(code);
    EXPECT_NE(*code, 0);
    EXPECT_NE(gym.stderr_text().find("fail-mode"), std::string::npos) << gym.stderr_text();
  }
  {
    Child gym({"--port", "0"});  // --db is required
    auto code = gym.wait_exit(std::chrono::seconds(10));
    ASSERT_TRUE(code);
    EXPECT_NE(*code, 0);
  }
  {
    Child gym({"--db", dir.file("no-such-dir/gym.db"), "--port", "0"});
    auto code = gym.wait_exit(std::chrono::seconds(10));
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 1);
    EXPECT_NE(gym.stderr_text().find("no-such-dir/gym.db"), std::string::npos) << gym.stderr_text();
  }
}

}  // namespace
}  // namespace tempoload::gym
