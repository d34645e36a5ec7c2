// Stream::batch_mode (core/batch_mode.hpp through the API): fixed, adaptive and single batching
// give the same results, at parallelism 1, 2 and 4.
#include <chrono>
#include <map>
#include <thread>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

using namespace std::chrono_literals;

struct Mode {
  std::string name;
  BatchMode mode;
};

std::vector<Mode> modes() {
  return {{"default", BatchMode{}},
          {"fixed1", BatchMode::fixed(1)},
          {"fixed3", BatchMode::fixed(3)},
          {"fixed4096", BatchMode::fixed(4096)},
          {"adaptive16_1ms", BatchMode::adaptive(16, 1ms)},
          {"adaptive1024_20ms", BatchMode::adaptive(1024, 20ms)},
          {"adaptive100000_1us", BatchMode::adaptive(100000, 1us)},
          {"timed16_1ms", BatchMode::timed(16, 1ms)},
          {"timed1024_100ms", BatchMode::timed(1024, 100ms)},
          {"single", BatchMode::single()}};
}

RENOIR_PAR_SUITE(BatchModes);

constexpr int kN = 6000;

TEST_P(BatchModes, PipelineGivesTheSameResultInEveryMode) {
  std::map<int, long long> expected_sums;
  std::vector<int> expected_items;
  for (int x = 0; x < kN; ++x) {
    expected_sums[x % 29] += x;
    expected_items.push_back(x * 2);
  }
  for (const Mode& m : modes()) {
    SCOPED_TRACE(m.name);
    auto ctx = context();
    auto parts = ctx.stream_par_iter(0, kN).batch_mode(m.mode).shuffle().split(2);
    auto sums = parts[0]
                    .group_by([](const int& x) { return x % 29; })
                    .batch_mode(m.mode)
                    .fold(0LL, [](long long& a, int x) { a += x; })
                    .collect_vec();
    auto items = parts[1].map([](int x) { return x * 2; }).batch_mode(m.mode).collect_vec();
    ctx.execute_blocking();
    EXPECT_EQ(to_map(take(sums)), expected_sums);
    EXPECT_EQ(sorted(take(items)), expected_items);
  }
}

TEST_P(BatchModes, OrderFromOneReplicaIsKeptInEveryMode) {
  std::vector<int> input;
  for (int i = 0; i < kN; ++i) input.push_back((i * 7919) % 10007);
  for (const Mode& m : modes()) {
    SCOPED_TRACE(m.name);
    auto ctx = context();
    auto out = ctx.stream_iter(input).batch_mode(m.mode).map([](int x) { return x + 1; }).collect_vec();
    ctx.execute_blocking();
    auto got = take(out);
    ASSERT_EQ(got.size(), input.size());
    for (std::size_t i = 0; i < input.size(); ++i) ASSERT_EQ(got[i], input[i] + 1) << "at " << i;
  }
}

TEST_P(BatchModes, GroupedAggregationsInEveryMode) {
  std::map<int, std::size_t> expected_counts;
  std::map<int, int> expected_max;
  for (int x = 0; x < kN; ++x) {
    ++expected_counts[x % 13];
    expected_max[x % 13] = std::max(expected_max[x % 13], x);
  }
  for (const Mode& m : modes()) {
    SCOPED_TRACE(m.name);
    auto ctx = context();
    auto key = [](const int& x) { return x % 13; };
    auto counts = ctx.stream_par_iter(0, kN).batch_mode(m.mode).group_by_count(key).collect_vec();
    auto max = ctx.stream_par_iter(0, kN).batch_mode(m.mode).group_by_reduce(key, [](int& a, int b) { a = std::max(a, b); }).collect_vec();
    auto total = ctx.stream_par_iter(0, kN).batch_mode(m.mode).collect_count();
    ctx.execute_blocking();
    EXPECT_EQ(to_map(take(counts)), expected_counts);
    EXPECT_EQ(to_map(take(max)), expected_max);
    EXPECT_EQ(take(total), static_cast<std::size_t>(kN));
  }
}

// A slow trickle through an adaptive block: partial batches still get through (by time, or
// when the block runs dry) and nothing is lost.
TEST_P(BatchModes, AdaptiveFlushesATrickle) {
  auto ctx = context();
  auto out = ctx.stream_iter(iota(50))
                 .batch_mode(BatchMode::adaptive(1000, 1ms))
                 .inspect([](const int&) { std::this_thread::sleep_for(200us); })
                 .shuffle()
                 .map([](int x) { return x * 3; })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<int> expected;
  for (int x = 0; x < 50; ++x) expected.push_back(x * 3);
  EXPECT_EQ(sorted(take(out)), expected);
}

TEST(BatchModeConfig, InvalidModesThrow) {
  EXPECT_THROW(BatchMode::fixed(0), std::invalid_argument);
  EXPECT_THROW(BatchMode::adaptive(0, 1ms), std::invalid_argument);
  EXPECT_THROW(BatchMode::adaptive(10, 0ms), std::invalid_argument);
  EXPECT_THROW(BatchMode::adaptive(10, -1ms), std::invalid_argument);
  EXPECT_THROW(BatchMode::timed(0, 1ms), std::invalid_argument);
  EXPECT_THROW(BatchMode::timed(10, 0ms), std::invalid_argument);
  EXPECT_EQ(BatchMode::timed(7, 3ms).size, 7u);
  EXPECT_EQ(BatchMode::timed(7, 3ms).max_delay, 3ms);
  EXPECT_EQ(BatchMode::timed(7, 3ms).kind, BatchMode::Kind::timed);
  EXPECT_NE(BatchMode::timed(7, 3ms), BatchMode::adaptive(7, 3ms));
  EXPECT_EQ(BatchMode{}, BatchMode::adaptive(1024, 50ms));  // our default (Renoir's: timed(1024, 100ms))
  EXPECT_TRUE(BatchMode::timed(8, 1ms).has_max_delay());
  EXPECT_EQ(BatchMode::single().size, 1u);
  EXPECT_FALSE(BatchMode::single().has_max_delay());
  EXPECT_FALSE(BatchMode::fixed(8).has_max_delay());
  EXPECT_TRUE(BatchMode::adaptive(8, 1ms).has_max_delay());
}

}  // namespace
}  // namespace renoir::test
