// Parking spot of one replica thread: spin briefly, then sleep on a futex until woken.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>

#include <renoir/core/activity.hpp>

namespace renoir::core {

/// A replica thread parks here when it has nothing to do (no input, or its output ring is full);
/// whoever makes progress possible calls `wake()`. The waiter announces itself in `waiting_` and
/// re-checks its condition after a seq_cst fence; the waker publishes its change, fences, then
/// reads `waiting_` (Dekker pattern), so a wake-up is never lost.
class alignas(64) Parker {
 public:
  /// Called by other threads after they published progress (a push or a pop).
  void wake() noexcept {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (waiting_.load(std::memory_order_relaxed)) notify();
  }

  /// Unconditional wake-up (cancellation, shutdown).
  void notify() noexcept;

  /// What the replica that parks here is doing (see activity.hpp).
  Activity activity;

  /// Blocks until `ready()` holds, `stop()` holds, or `timeout` passed. Spins a little first,
  /// since a sleep costs a system call on both sides. May also return early, when a wake-up
  /// meant for an earlier wait lands after `seen` was read: callers re-check their condition in
  /// a loop (as every caller in the engine does).
  template <class Ready, class Stop>
  void park(Ready&& ready, Stop&& stop, std::chrono::nanoseconds timeout = std::chrono::nanoseconds::max()) {
    WaitingScope waiting;  // not stalled: waiting for another replica
    for (int i = 0; i < 64; ++i) {
      if (ready() || stop()) return;
      pause();
    }
    const std::uint32_t seen = epoch_.load(std::memory_order_acquire);
    waiting_.store(true, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (!ready() && !stop()) sleep(seen, timeout);
    waiting_.store(false, std::memory_order_relaxed);
  }

 private:
  static void pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  void sleep(std::uint32_t seen, std::chrono::nanoseconds timeout) noexcept;

  std::atomic<std::uint32_t> epoch_{0};
  std::atomic<bool> waiting_{false};
};

}  // namespace renoir::core
