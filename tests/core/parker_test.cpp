// Parker (core/parker.hpp): no lost wake-up in a 2-thread ping-pong, timeouts, stop condition.
#include <renoir/core/parker.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace renoir::core {
namespace {

using namespace std::chrono_literals;

// Two threads take turns through a shared counter; each parks until it is its turn and wakes
// the other after its move. A lost wake-up would hang (the test has a timeout; the parks have
// none).
TEST(Parker, PingPongLosesNoWakeUp) {
  constexpr std::uint64_t kRounds = 100'000;
  Parker parkers[2];
  std::atomic<std::uint64_t> turn{0};  // even: thread 0 moves, odd: thread 1
  auto player = [&](int me) {
    for (std::uint64_t r = 0; r < kRounds; ++r) {
      const std::uint64_t mine = 2 * r + static_cast<std::uint64_t>(me);
      // park may return early (a wake-up meant for an earlier wait): re-check, as the engine does
      while (turn.load(std::memory_order_acquire) != mine)
        parkers[me].park([&] { return turn.load(std::memory_order_acquire) == mine; }, [] { return false; });
      turn.store(mine + 1, std::memory_order_release);
      parkers[1 - me].wake();
    }
  };
  std::thread other(player, 1);
  player(0);
  other.join();
  EXPECT_EQ(turn.load(), 2 * kRounds);
}

// The same with notify() (the unconditional wake-up used by cancellation).
TEST(Parker, PingPongWithNotify) {
  constexpr int kRounds = 20'000;
  Parker parkers[2];
  std::atomic<int> turn{0};
  auto player = [&](int me) {
    for (int r = 0; r < kRounds; ++r) {
      const int mine = 2 * r + me;
      while (turn.load() != mine) parkers[me].park([&] { return turn.load() == mine; }, [] { return false; });
      turn.store(mine + 1);
      parkers[1 - me].notify();
    }
  };
  std::thread other(player, 1);
  player(0);
  other.join();
  EXPECT_EQ(turn.load(), 2 * kRounds);
}

TEST(Parker, ReturnsAtOnceWhenReadyOrStopped) {
  Parker p;
  const auto start = std::chrono::steady_clock::now();
  p.park([] { return true; }, [] { return false; });
  p.park([] { return false; }, [] { return true; });
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST(Parker, TimeoutBoundsTheSleep) {
  Parker p;
  const auto start = std::chrono::steady_clock::now();
  p.park([] { return false; }, [] { return false; }, 20ms);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 10ms);
  EXPECT_LT(elapsed, 5s);
}

// A stop condition set by another thread, followed by notify(), releases a sleeper.
TEST(Parker, NotifyReleasesAStoppedSleeper) {
  Parker p;
  std::atomic<bool> stop{false};
  std::thread t([&] {
    std::this_thread::sleep_for(20ms);
    stop.store(true);
    p.notify();
  });
  p.park([] { return false; }, [&] { return stop.load(); });
  EXPECT_TRUE(stop.load());
  t.join();
}

// wake() when nobody is waiting is cheap and harmless; a later park still sleeps until ready.
TEST(Parker, WakeWithoutWaiterIsNotRemembered) {
  Parker p;
  p.wake();
  std::atomic<bool> ready{false};
  std::thread t([&] {
    std::this_thread::sleep_for(10ms);
    ready.store(true);
    p.wake();
  });
  p.park([&] { return ready.load(); }, [] { return false; });
  EXPECT_TRUE(ready.load());
  t.join();
}

}  // namespace
}  // namespace renoir::core
