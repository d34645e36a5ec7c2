// What each replica thread is doing (running its chain, or waiting inside renoir), for the
// stall watchdog and for the status that heartbeats carry to other hosts.
#pragma once
#include <atomic>
#include <cstdint>

namespace renoir::core {

/// One replica's state. Written by the replica itself when it starts or stops waiting (never
/// per item); read by the watchdog and network threads. Relaxed: a reader only needs some
/// recent value, and the watchdog confirms a stall over many samples.
class Activity {
 public:
  enum State : std::uint8_t {
    running,  ///< in the chain: renoir's code or the user's callables
    waiting,  ///< parked for input or ring space, waiting for credit, reading input
    done,     ///< the replica's thread has finished
  };
  void set(State s) noexcept { state_.store(s, std::memory_order_relaxed); }
  State get() const noexcept { return state_.load(std::memory_order_relaxed); }

 private:
  std::atomic<State> state_{running};
};

/// The calling replica thread's activity; null on other threads.
inline thread_local Activity* current_activity = nullptr;

/// Marks the calling replica as waiting for as long as it lives (nests).
class WaitingScope {
 public:
  WaitingScope() noexcept : activity_(current_activity) {
    if (activity_) {
      previous_ = activity_->get();
      activity_->set(Activity::waiting);
    }
  }
  ~WaitingScope() {
    if (activity_) activity_->set(previous_);
  }
  WaitingScope(const WaitingScope&) = delete;
  WaitingScope& operator=(const WaitingScope&) = delete;

 private:
  Activity* activity_;
  Activity::State previous_ = Activity::running;
};

}  // namespace renoir::core
