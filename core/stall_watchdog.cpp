// Fails a job when one of its replicas is stuck outside renoir (see stall_watchdog.hpp).
#include <renoir/core/stall_watchdog.hpp>

#include <time.h>

#include <cstdio>

namespace renoir::core {
namespace {

std::chrono::nanoseconds cpu_time(clockid_t clock, bool& ok) {
  timespec ts{};
  ok = ok && clock_gettime(clock, &ts) == 0;
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

std::string seconds(std::chrono::steady_clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(d).count());
  return buf;
}

}  // namespace

StallWatchdog::StallWatchdog(std::chrono::milliseconds timeout,
                             std::function<void(const std::string&)> on_stall)
    : timeout_(timeout), on_stall_(std::move(on_stall)) {}

StallWatchdog::~StallWatchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StallWatchdog::add(const Replica& r) {
  Watched w{r, {}, false, std::chrono::steady_clock::now()};
  w.clock_ok = pthread_getcpuclockid(r.thread, &w.clock) == 0;
  watched_.push_back(w);
}

void StallWatchdog::start() {
  if (timeout_.count() <= 0 || watched_.empty()) return;
  thread_ = std::thread([this] { loop(); });
}

bool StallWatchdog::stuck(std::size_t i) const {
  std::lock_guard lock(mutex_);
  return i < watched_.size() && watched_[i].stuck;
}

void StallWatchdog::loop() {
  using Clock = std::chrono::steady_clock;
  const auto period = std::max<std::chrono::milliseconds>(std::chrono::milliseconds(10), timeout_ / 8);
  auto last = Clock::now();
  std::unique_lock lock(mutex_);
  while (!cv_.wait_for(lock, period, [&] { return stopping_; })) {
    const auto now = Clock::now();
    // Woken much later than asked (the process was stopped, or starved of CPU): nobody could
    // run meanwhile, so that time says nothing about the replicas. Start over.
    sample(now, now - last > 3 * period);
    last = now;
  }
}

// Called with mutex_ held.
void StallWatchdog::sample(std::chrono::steady_clock::time_point now, bool reset) {
  for (Watched& w : watched_) {
    if (w.stuck) continue;
    const Activity::State state = w.replica.activity->get();
    bool ok = w.clock_ok;
    const auto cpu = ok ? cpu_time(w.clock, ok) : std::chrono::nanoseconds(0);
    if (reset || state != Activity::running || !ok || cpu != w.cpu) {
      w.since = now;
      w.cpu = cpu;
      continue;
    }
    if (now - w.since < timeout_) continue;
    w.stuck = true;
    if (reported_) continue;
    reported_ = true;
    on_stall_("renoir: replica " + std::to_string(w.replica.index) + " of block " +
              std::to_string(w.replica.block) + " on host " + std::to_string(w.replica.host) +
              " has been blocked in user code for " + seconds(now - w.since) +
              " (running, not waiting for renoir, using no CPU: a deadlock?); the job is stopped "
              "(stall timeout " + std::to_string(timeout_.count()) +
              " ms: RENOIR_STALL_TIMEOUT_MS or stall_timeout_ms in the cluster file, 0 disables)");
  }
}

}  // namespace renoir::core
