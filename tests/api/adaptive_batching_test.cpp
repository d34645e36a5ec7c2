// Adaptive batching (core/emitter.hpp, core/ticker.hpp): a partial batch leaves once it is older
// than max_delay even while its source keeps producing, slowly; a fixed batch waits until full.
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

using Clock = std::chrono::steady_clock;

/// Runs a source that emits one item every 10 ms for 300 ms through a shuffle, and returns how
/// long after the start the first item reached the sink, and when the source emitted its last.
std::pair<Clock::duration, Clock::duration> first_arrival(BatchMode mode) {
  StreamContext ctx(RuntimeConfig::local(2));
  const auto start = Clock::now();
  std::atomic<Clock::rep> first{0};
  std::atomic<Clock::rep> last_emitted{0};
  ctx.stream_par_iter([&](std::size_t index, std::size_t) {
       std::vector<int> items;
       if (index != 0) return items;
       for (int i = 0; i < 30; ++i) items.push_back(i);
       return items;
     })
      .batch_mode(mode)
      .inspect([&](int i) {
        if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        last_emitted = (Clock::now() - start).count();
      })
      .shuffle()
      .for_each([&](int) {
        Clock::rep expected = 0;
        first.compare_exchange_strong(expected, (Clock::now() - start).count());
      });
  ctx.execute_blocking();
  return {Clock::duration(first.load()), Clock::duration(last_emitted.load())};
}

TEST(AdaptiveBatching, PartialBatchLeavesAfterMaxDelay) {
  auto [first, last] = first_arrival(BatchMode::adaptive(1024, std::chrono::milliseconds(5)));
  EXPECT_LT(first, last - std::chrono::milliseconds(100))
      << "first item arrived after " << std::chrono::duration<double, std::milli>(first).count()
      << " ms; the source finished at " << std::chrono::duration<double, std::milli>(last).count() << " ms";
}

TEST(AdaptiveBatching, FixedBatchWaitsUntilTheEnd) {
  auto [first, last] = first_arrival(BatchMode::fixed(1024));
  EXPECT_GE(first, last);
}

}  // namespace
}  // namespace renoir::test
