// A stand-in worker for the SSH launcher tests: it follows the process contract of
// worker_watchdog.hpp and then behaves as its arguments say.
//
//   fake_worker [--mode=MODE] [--host<i>=MODE] [anything else, e.g. a marker]...
//
// --host<i>=MODE applies to the host whose RENOIR_HOST_ID is i and wins over --mode. MODE:
//   exit:N[:MS]   wait MS milliseconds (default 0), then exit with status N
//   sleep         run until stdin closes (the watchdog exits with 143)
//   crash:MS      wait MS milliseconds, then die of SIGSEGV
//   ignore-stdin  no watchdog: run until killed
//   stubborn      no watchdog and SIGTERM ignored: run until SIGKILLed
//   lines:N       print N numbered lines on stdout and N on stderr, then exit 0
//   flood         print lines on stdout as fast as possible until stopped
// It first prints one line on stdout:
//   host=<id> nhosts=<n> secret_len=<bytes> config_len=<bytes> args=[a][b]...
// one line on stderr ("stderr of host <id>"), and, in exit mode, a last stdout fragment without
// a newline ("tail of host <id>").
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "renoir/launch/worker_watchdog.hpp"

namespace rt = renoir::launch;

int main(int argc, char** argv) {
  const char* id_env = std::getenv("RENOIR_HOST_ID");
  const char* n_env = std::getenv("RENOIR_NUM_HOSTS");
  const std::string id = id_env != nullptr ? id_env : "?";
  std::string mode = "exit:0";
  std::string args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    args += "[" + a + "]";
    if (a.starts_with("--mode=")) mode = a.substr(7);
  }
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string own = "--host" + id + "=";
    if (a.starts_with(own)) mode = a.substr(own.size());
  }

  rt::LauncherHandshake hs;
  if (rt::launched_by_renoir()) {
    try {
      hs = rt::read_launcher_handshake();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "fake_worker: %s\n", e.what());
      return 90;
    }
  }
  std::printf("host=%s nhosts=%s secret_len=%zu config_len=%zu args=%s\n", id.c_str(),
              n_env != nullptr ? n_env : "?", hs.job_secret.size(), hs.config_toml.size(),
              args.c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "stderr of host %s\n", id.c_str());
  std::fflush(stderr);

  if (mode == "stubborn") std::signal(SIGTERM, SIG_IGN);
  if (mode != "ignore-stdin" && mode != "stubborn") rt::start_stdin_watchdog();

  auto sleep_ms = [](const std::string& ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::stol(ms)));
  };
  if (mode.starts_with("exit:")) {
    std::string rest = mode.substr(5);
    std::size_t colon = rest.find(':');
    if (colon != std::string::npos) sleep_ms(rest.substr(colon + 1));
    std::printf("tail of host %s", id.c_str());
    std::fflush(stdout);
    return std::stoi(rest.substr(0, colon));
  }
  if (mode.starts_with("lines:")) {
    long n = std::stol(mode.substr(6));
    for (long i = 0; i < n; ++i) {
      std::printf("out %ld of host %s: 0123456789abcdefghijklmnopqrstuvwxyz\n", i, id.c_str());
      std::fprintf(stderr, "err %ld of host %s\n", i, id.c_str());
    }
    return 0;
  }
  if (mode == "flood") {
    for (long i = 0;; ++i) std::printf("flood %ld of host %s\n", i, id.c_str());
  }
  if (mode.starts_with("crash:")) {
    sleep_ms(mode.substr(6));
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    std::signal(SIGSEGV, SIG_DFL);
    std::raise(SIGSEGV);
    return 91;
  }
  // sleep, ignore-stdin, stubborn
  for (;;) pause();
}
