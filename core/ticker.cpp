// A coarse clock for hot paths: a counter that a background thread bumps every millisecond.
#include <renoir/core/ticker.hpp>

#include <chrono>
#include <thread>

namespace renoir::core {

const std::atomic<std::uint64_t>& ticks() {
  static std::atomic<std::uint64_t> counter{0};
  static const bool started = [] {
    // Detached on purpose: it lives as long as the process and holds no resource.
    std::thread([] {
      for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        counter.fetch_add(1, std::memory_order_relaxed);
      }
    }).detach();
    return true;
  }();
  (void)started;
  return counter;
}

}  // namespace renoir::core
