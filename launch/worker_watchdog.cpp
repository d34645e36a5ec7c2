#include "renoir/launch/worker_watchdog.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace renoir::launch {
namespace {

// One byte at a time, so that nothing past the handshake is consumed.
std::string read_line_fd0(std::string_view what, std::size_t max_len) {
  std::string line;
  for (;;) {
    char c;
    ssize_t n = ::read(0, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error("launcher handshake: cannot read stdin while reading the " +
                                        std::string(what));
    if (n == 0) throw std::runtime_error("launcher handshake: stdin closed before the " +
                                         std::string(what));
    if (c == '\n') return line;
    if (line.size() == max_len)
      throw std::runtime_error("launcher handshake: the " + std::string(what) + " is too long");
    line.push_back(c);
  }
}

}  // namespace

bool launched_by_renoir() {
  const char* v = std::getenv(std::string(kEnvStdinProtocol).c_str());
  return v != nullptr && std::string_view(v) == kStdinProtocolVersion;
}

std::string read_job_secret_from_stdin() {
  // The message never quotes what was read: it is a secret.
  return read_line_fd0("job secret line", 1 << 20);
}

std::string read_config_toml_from_stdin() {
  std::string len_line = read_line_fd0("configuration length line", 20);
  std::size_t len = 0;
  if (len_line.empty()) throw std::runtime_error("launcher handshake: empty length line");
  for (char c : len_line) {
    if (c < '0' || c > '9')
      throw std::runtime_error("launcher handshake: malformed configuration length '" + len_line +
                               "'");
    len = len * 10 + static_cast<std::size_t>(c - '0');
  }
  if (len > (std::size_t{1} << 30))
    throw std::runtime_error("launcher handshake: configuration too large");
  std::string config(len, '\0');
  std::size_t got = 0;
  while (got < len) {
    ssize_t n = ::read(0, config.data() + got, len - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw std::runtime_error("launcher handshake: stdin closed after " + std::to_string(got) +
                               " of " + std::to_string(len) + " configuration bytes");
    got += static_cast<std::size_t>(n);
  }
  return config;
}

LauncherHandshake read_launcher_handshake() {
  LauncherHandshake h;
  h.job_secret = read_job_secret_from_stdin();
  h.config_toml = read_config_toml_from_stdin();
  return h;
}

void start_stdin_watchdog(int exit_code) {
  // Die with the sshd session process even if stdin somehow stays open. If the parent is
  // already gone (re-parented), the stdin check below still applies.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  std::thread([exit_code] {
    char buf[4096];
    for (;;) {
      ssize_t n = ::read(0, buf, sizeof buf);
      if (n > 0) continue;
      if (n < 0 && errno == EINTR) continue;
      // End-of-file or an error: the launcher's channel is gone. This is the documented
      // contract, so no destructors and no atexit handlers run.
      ::_exit(exit_code);
    }
  }).detach();
}

}  // namespace renoir::launch
