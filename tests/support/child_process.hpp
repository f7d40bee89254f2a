// A child process for integration tests: started with fork/exec, its stdout read for the
// "listening on 127.0.0.1:PORT" line, its stderr kept in a log file, and killed (SIGKILL after
// a grace period) when the object goes away, so no test leaves a server behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace tempoload::testing {

class ChildProcess {
 public:
  // `env` entries ("NAME=value") are added to the inherited environment; "NAME=" unsets NAME.
  ChildProcess(std::vector<std::string> argv, std::string log_path,
               std::vector<std::string> env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Waits (bounded) for a stdout line containing "<announcement> HOST:PORT"; returns PORT, or -1
  // on timeout or exit (the log's tail is then in last_error()).
  int wait_for_port(std::chrono::milliseconds timeout,
                    const std::string& announcement = "listening on");
  // Reads stdout until the child closes it or the timeout passes; returns all of it.
  std::string read_stdout(std::chrono::milliseconds timeout);
  void signal(int sig);
  // Waits (bounded) for the exit; returns the exit status as from waitpid, or -1 on timeout.
  int wait_exit(std::chrono::milliseconds timeout);
  pid_t pid() const { return pid_; }
  std::string log_tail(std::size_t bytes = 2000) const;

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string log_path_;
  std::string buffered_;
  bool exited_ = false;
};

}  // namespace tempoload::testing
