#include "tests/support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace tempoload::testing {

ChildProcess::ChildProcess(std::vector<std::string> argv, std::string log_path,
                           std::vector<std::string> env)
    : log_path_(std::move(log_path)) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out[1], STDOUT_FILENO);
    if (log >= 0) dup2(log, STDERR_FILENO);
    close(out[0]);
    for (const auto& e : env) {
      const auto eq = e.find('=');
      const std::string name = e.substr(0, eq), value = e.substr(eq + 1);
      if (value.empty())
        unsetenv(name.c_str());
      else
        setenv(name.c_str(), value.c_str(), 1);
    }
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  stdout_fd_ = out[0];
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGTERM);
    if (wait_exit(std::chrono::milliseconds(3000)) < 0) {
      kill(pid_, SIGKILL);
      wait_exit(std::chrono::milliseconds(3000));
    }
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

int ChildProcess::wait_for_port(std::chrono::milliseconds timeout,
                                const std::string& announcement) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::regex listening(announcement + " [^ ]*:([0-9]+)");
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    if (std::regex_search(buffered_, m, listening)) return std::stoi(m[1]);
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) > 0) {
      char buf[512];
      const ssize_t n = read(stdout_fd_, buf, sizeof buf);
      if (n <= 0) return -1;  // the child closed stdout: it exited
      buffered_.append(buf, static_cast<std::size_t>(n));
    }
  }
  return -1;
}

std::string ChildProcess::read_stdout(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) > 0) {
      char buf[512];
      const ssize_t n = read(stdout_fd_, buf, sizeof buf);
      if (n <= 0) break;  // closed: the child exited
      buffered_.append(buf, static_cast<std::size_t>(n));
    }
  }
  return buffered_;
}

void ChildProcess::signal(int sig) {
  if (pid_ > 0 && !exited_) kill(pid_, sig);
}

int ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exited_ = true;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return -1;
}

std::string ChildProcess::log_tail(std::size_t bytes) const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string all = ss.str();
  return all.size() > bytes ? all.substr(all.size() - bytes) : all;
}

}  // namespace tempoload::testing
