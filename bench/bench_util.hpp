// Small helpers shared by the micro-benchmarks: spinning, pinning with restore, summaries.
#pragma once
#include <sched.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <thread>
#include <vector>

#include <renoir/topology/hardware.hpp>

namespace renoir::bench {

/// One step of a busy-wait: a CPU pause, and a yield now and then so that a spinning thread
/// cannot starve its peer when both end up on the same core.
inline void spin_wait(unsigned& spins) {
  if (++spins < 256) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
  } else {
    spins = 0;
    std::this_thread::yield();
  }
}

/// Pins the calling thread to `core` (modulo the core count) for its lifetime and restores the
/// previous affinity afterwards. Pinning failures are reported once and otherwise ignored: the
/// figures are still meaningful, just noisier.
class ScopedPin {
 public:
  explicit ScopedPin(std::size_t core) {
    CPU_ZERO(&saved_);
    restore_ = sched_getaffinity(0, sizeof(saved_), &saved_) == 0;
    try {
      core_ = renoir::topology::pin_current_thread(core);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "bench: pinning to core %zu failed: %s\n", core, e.what());
    }
  }
  ScopedPin(const ScopedPin&) = delete;
  ScopedPin& operator=(const ScopedPin&) = delete;
  ~ScopedPin() {
    if (restore_) sched_setaffinity(0, sizeof(saved_), &saved_);
  }
  int core() const { return core_; }

 private:
  cpu_set_t saved_;
  bool restore_ = false;
  int core_ = -1;
};

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace renoir::bench
