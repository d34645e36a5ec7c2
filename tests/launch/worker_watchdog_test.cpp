#include "renoir/launch/worker_watchdog.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

namespace renoir::launch {
namespace {

// Writes all of `data` to `fd`.
void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    ASSERT_GT(n, 0);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Waits up to `timeout` for `pid`; its wait status, or -1 if it is still running.
int wait_for(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return status;
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Forks a child whose stdin is a pipe; the child runs `body` and then sleeps. Returns the pid
// and the write end of its stdin, and the read end of a pipe the child reports on (fd 3).
struct Child {
  pid_t pid;
  int stdin_w;
  int report_r;
};
template <typename Body>
Child fork_child(Body body) {
  int in[2], rep[2];
  EXPECT_EQ(::pipe(in), 0);
  EXPECT_EQ(::pipe(rep), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::close(in[0]);
    ::close(in[1]);
    ::close(rep[0]);
    body(rep[1]);
    for (;;) ::pause();
  }
  ::close(in[0]);
  ::close(rep[1]);
  return {pid, in[1], rep[0]};
}

std::string read_report(int fd) {
  std::string out;
  char buf[256];
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, 5000) > 0) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.find('\n') != std::string::npos) break;
  }
  return out;
}

TEST(WorkerWatchdog, ReadsHandshakeAndExitsWhenStdinCloses) {
  Child c = fork_child([](int report) {
    try {
      LauncherHandshake h = read_launcher_handshake();
      start_stdin_watchdog();
      std::string r = "secret=" + h.job_secret + " config=" + h.config_toml + "\n";
      (void)!::write(report, r.data(), r.size());
    } catch (const std::exception& e) {
      std::string r = std::string("error: ") + e.what() + "\n";
      (void)!::write(report, r.data(), r.size());
      ::_exit(1);
    }
  });
  write_all(c.stdin_w, "s3cr3t\n7\na=1\nb=2more data after the handshake is ignored");
  EXPECT_EQ(read_report(c.report_r), "secret=s3cr3t config=a=1\nb=2\n");
  // Still running while stdin is open.
  EXPECT_EQ(wait_for(c.pid, std::chrono::milliseconds(200)), -1);
  ::close(c.stdin_w);
  int status = wait_for(c.pid, std::chrono::milliseconds(5000));
  ASSERT_NE(status, -1) << "the worker did not exit when its stdin closed";
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), kStdinClosedExitCode);
  ::close(c.report_r);
}

TEST(WorkerWatchdog, SecretOnlyThenConfig) {
  Child c = fork_child([](int report) {
    std::string secret = read_job_secret_from_stdin();
    std::string config = read_config_toml_from_stdin();
    std::string r = secret + "|" + config + "\n";
    (void)!::write(report, r.data(), r.size());
    ::_exit(0);
  });
  write_all(c.stdin_w, "\n0\n");
  EXPECT_EQ(read_report(c.report_r), "|\n");
  ::close(c.stdin_w);
  EXPECT_NE(wait_for(c.pid, std::chrono::milliseconds(5000)), -1);
  ::close(c.report_r);
}

TEST(WorkerWatchdog, EarlyEofIsAnErrorThatHidesTheSecret) {
  Child c = fork_child([](int report) {
    try {
      read_launcher_handshake();
      (void)!::write(report, "no error\n", 9);
    } catch (const std::exception& e) {
      std::string r = std::string(e.what()) + "\n";
      (void)!::write(report, r.data(), r.size());
    }
    ::_exit(0);
  });
  write_all(c.stdin_w, "topsecret\n12x\n");
  ::close(c.stdin_w);
  std::string r = read_report(c.report_r);
  EXPECT_NE(r.find("malformed configuration length"), std::string::npos) << r;
  EXPECT_EQ(r.find("topsecret"), std::string::npos) << r;
  EXPECT_NE(wait_for(c.pid, std::chrono::milliseconds(5000)), -1);
  ::close(c.report_r);
}

TEST(WorkerWatchdog, LaunchedByRenoirFollowsTheEnvironment) {
  ::unsetenv("RENOIR_STDIN_PROTOCOL");
  EXPECT_FALSE(launched_by_renoir());
  ::setenv("RENOIR_STDIN_PROTOCOL", "1", 1);
  EXPECT_TRUE(launched_by_renoir());
  ::unsetenv("RENOIR_STDIN_PROTOCOL");
}

}  // namespace
}  // namespace renoir::launch
