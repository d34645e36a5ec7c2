// A shuffle-heavy job for the distributed tests: every item crosses an exchange twice.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include <renoir/renoir.hpp>

namespace {

// For the sanitized runs of remote_test.sh: RENOIR_FAULT_SANITIZER_HOST=<id> makes that worker
// do something a sanitizer must report (RENOIR_FAULT_SANITIZER_KIND: "overflow", UB that
// UBSan reports with a stack trace; "leak", memory LeakSanitizer reports at exit), so the test
// sees that workers started by sshd run sanitized, with our options, and that their reports fail
// the job. The launcher forwards RENOIR_FAULT_* variables to the workers.
void sanitizer_fault() {
  const char* host = std::getenv("RENOIR_FAULT_SANITIZER_HOST");
  const char* self = std::getenv("RENOIR_HOST_ID");  // set on workers only
  if (!host || !self || std::string(host) != self) return;
  const std::string kind = std::getenv("RENOIR_FAULT_SANITIZER_KIND") ? std::getenv("RENOIR_FAULT_SANITIZER_KIND") : "";
  if (kind == "overflow") {
    volatile int big = 2147483647;
    const int wrapped = big + 1;  // UBSan stops the worker here
    std::cerr << "shuffle_job: survived an overflow to " << wrapped << '\n';
  } else if (kind == "leak") {
    static int* volatile leaked;
    leaked = new int[64];
    leaked = nullptr;  // lost: reported when the worker exits
    if (leaked) std::abort();
  }
}

// For fault_test.sh: RENOIR_FAULT_DEADLOCK_HOST=<id> makes the map of that worker block for
// good after 100000 items, as a deadlocked user function would (waiting, using no CPU).
bool deadlock_here() {
  const char* host = std::getenv("RENOIR_FAULT_DEADLOCK_HOST");
  const char* self = std::getenv("RENOIR_HOST_ID");
  return host && self && std::string(host) == self;
}

// For remote_test.sh and fault_test.sh: RENOIR_FAULT_CRASH_HOST=<id> makes that worker abort
// RENOIR_FAULT_CRASH_AFTER_MS (default 100) after its first item, as a crashing job would.
bool crash_here() {
  const char* host = std::getenv("RENOIR_FAULT_CRASH_HOST");
  const char* self = std::getenv("RENOIR_HOST_ID");
  return host && self && std::string(host) == self;
}

void maybe_crash(bool armed) {
  static std::once_flag once;
  if (!armed) return;
  std::call_once(once, [] {
    const char* after = std::getenv("RENOIR_FAULT_CRASH_AFTER_MS");
    const auto ms = std::chrono::milliseconds(after ? std::stoul(after) : 100);
    std::thread([ms] {
      std::this_thread::sleep_for(ms);
      std::cerr << "shuffle_job: RENOIR_FAULT_CRASH_HOST: aborting on purpose\n";
      std::abort();
    }).detach();
  });
}

void maybe_deadlock(bool armed) {
  static std::atomic<std::uint64_t> seen{0};
  if (!armed || seen.fetch_add(1, std::memory_order_relaxed) < 100000) return;
  static std::mutex mutex;
  static std::condition_variable never;
  std::unique_lock lock(mutex);
  never.wait(lock, [] { return false; });
}

}  // namespace

// For remote_test.sh: RENOIR_FAULT_BAD_SECRET_HOST=<id> makes that worker present a wrong job
// secret to its peers (the library calls this hook on every worker, if the program defines it).
extern "C" void renoir_test_worker_hook(std::size_t host, std::string& secret) {
  const char* bad = std::getenv("RENOIR_FAULT_BAD_SECRET_HOST");
  if (bad && std::to_string(host) == bad) secret = "not-the-job-secret";
}

int main(int argc, char** argv) {
  auto [config, args] = renoir::RuntimeConfig::from_args(argc, argv);
  config.spawn_remote_workers();
  sanitizer_fault();
  const std::uint64_t n = args.size() > 1 ? std::stoull(args[1]) : 2'000'000;
  try {
    renoir::StreamContext ctx(config);
    const bool deadlock = deadlock_here(), crash = crash_here();
    auto sums = ctx.stream_par_iter<std::uint64_t>(0, n)
                    .map([deadlock, crash](std::uint64_t x) {
                      maybe_crash(crash);
                      maybe_deadlock(deadlock);
                      return std::to_string((x * 2654435761u) % 1000003); })
                    .shuffle()
                    .group_by([](const std::string& s) { return s.back(); })
                    .fold(std::uint64_t{0}, [](std::uint64_t& acc, std::string s) { acc += std::stoull(s); })
                    .collect_vec();
    ctx.execute_blocking();
    if (auto r = sums.get()) {
      std::sort(r->begin(), r->end());
      for (auto& [digit, sum] : *r) std::cout << digit << ' ' << sum << '\n';
    }
  } catch (const std::exception& e) {
    std::cerr << "shuffle_job: error: " << e.what() << '\n';
    return 1;
  }
}
