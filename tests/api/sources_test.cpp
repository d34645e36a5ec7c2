// Sources (api/sources/iter.hpp, par_iter.hpp, file.hpp) at parallelism 1, 2 and 4.
#include <cstdint>
#include <deque>
#include <limits>
#include <list>
#include <mutex>
#include <thread>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

RENOIR_PAR_SUITE(Sources);

TEST_P(Sources, StreamIterVectorIsReadByOneReplicaInOrder) {
  auto ctx = context();
  std::vector<int> input;
  for (int i = 0; i < 9000; ++i) input.push_back((i * 7919) % 9001);
  auto out = ctx.stream_iter(input)
                 .map([](int x) { return std::tuple<int, std::size_t, std::size_t>(x, this_replica()->index, this_replica()->replicas); })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<int> got;
  for (auto& [x, replica, replicas] : take(out)) {
    EXPECT_EQ(replica, 0u);
    EXPECT_EQ(replicas, 1u);
    got.push_back(x);
  }
  EXPECT_EQ(got, input);  // one replica all the way to the collector: order kept
}

TEST_P(Sources, StreamIterOtherContainers) {
  auto ctx = context();
  std::list<std::string> words{"x", "yy", "", "zzz", "yy"};
  std::set<long> numbers{5, -3, 99, 1000000000000L};
  std::deque<double> doubles{0.5, 1.25, -2.0};
  auto a = ctx.stream_iter(words).collect_vec();
  auto b = ctx.stream_iter(numbers).shuffle().collect_vec();
  auto c = ctx.stream_iter(doubles).collect_vec();
  auto d = ctx.stream_iter({1, 2, 3, 4}).collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(take(a), std::vector<std::string>(words.begin(), words.end()));
  EXPECT_EQ(sorted(take(b)), std::vector<long>(numbers.begin(), numbers.end()));
  EXPECT_EQ(take(c), std::vector<double>(doubles.begin(), doubles.end()));
  EXPECT_EQ(take(d), (std::vector<int>{1, 2, 3, 4}));
}

// The source keeps its own copy: changing the caller's vector afterwards changes nothing.
TEST_P(Sources, StreamIterCopiesTheRange) {
  auto ctx = context();
  std::vector<int> input = iota(100);
  auto out = ctx.stream_iter(input).collect_vec();
  const std::vector<int> expected = input;
  input.assign(5, -1);
  ctx.execute_blocking();
  EXPECT_EQ(take(out), expected);
}

TEST_P(Sources, ParIterRangeSharesAreContiguous) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(-1000, 8777)
                 .map([](int x) { return std::pair<std::size_t, int>(this_replica()->index, x); })
                 .collect_vec();
  ctx.execute_blocking();
  std::map<std::size_t, std::vector<int>> per_replica;
  for (auto& [replica, x] : take(out)) per_replica[replica].push_back(x);
  std::vector<int> all;
  for (std::size_t i = 0; i < n(); ++i) {
    auto [from, to] = share(-1000, 8777, i, n());
    std::vector<int> expected;
    for (long long x = from; x < to; ++x) expected.push_back(static_cast<int>(x));
    EXPECT_EQ(per_replica[i], expected) << "replica " << i;  // in order, since forwarded from one replica
  }
}

TEST_P(Sources, ParIterIntegerTypes) {
  auto ctx = context();
  constexpr std::uint64_t big = std::uint64_t{1} << 63;
  auto u64 = ctx.stream_par_iter<std::uint64_t>(big - 500, big + 500).collect_vec();
  auto i64 = ctx.stream_par_iter<std::int64_t>(-3'000'000'000'000LL, -3'000'000'000'000LL + 777).collect_vec();
  auto i16 = ctx.stream_par_iter<std::int16_t>(-32768, 32767).collect_count();
  auto u32 = ctx.stream_par_iter<std::uint32_t>(4'294'960'000u, 4'294'967'295u).collect_vec();
  ctx.execute_blocking();
  std::vector<std::uint64_t> e1;
  for (std::uint64_t x = big - 500; x < big + 500; ++x) e1.push_back(x);
  std::vector<std::int64_t> e2;
  for (std::int64_t x = -3'000'000'000'000LL; x < -3'000'000'000'000LL + 777; ++x) e2.push_back(x);
  std::vector<std::uint32_t> e4;
  for (std::uint32_t x = 4'294'960'000u; x < 4'294'967'295u; ++x) e4.push_back(x);
  EXPECT_EQ(sorted(take(u64)), e1);
  EXPECT_EQ(sorted(take(i64)), e2);
  EXPECT_EQ(take(i16), 65535u);
  EXPECT_EQ(sorted(take(u32)), e4);
}

// 8-bit ranges: the source must not loop forever on its chunking.
TEST_P(Sources, ParIterEightBitTypes) {
  auto ctx = context();
  auto i8 = ctx.stream_par_iter<std::int8_t>(-128, 127).collect_vec();
  auto u8 = ctx.stream_par_iter<std::uint8_t>(0, 255).collect_vec();
  ctx.execute_blocking();
  std::vector<std::int8_t> e1;
  for (int x = -128; x < 127; ++x) e1.push_back(static_cast<std::int8_t>(x));
  std::vector<std::uint8_t> e2;
  for (int x = 0; x < 255; ++x) e2.push_back(static_cast<std::uint8_t>(x));
  EXPECT_EQ(sorted(take(i8)), e1);
  EXPECT_EQ(sorted(take(u8)), e2);
}

// Ranges wider than the signed type: iterating them is out of the question, so every replica
// records its first item, waits for the others, then stops the job with an exception.
template <class I>
std::map<std::size_t, I> first_items(StreamContext& ctx, I begin, I end, std::size_t replicas) {
  struct Stop {};
  struct Shared {
    std::mutex mutex;
    std::map<std::size_t, I> first;
  };
  auto shared = std::make_shared<Shared>();
  auto out = ctx.stream_par_iter<I>(begin, end)
                 .map([shared, replicas](I x) -> I {
                   {
                     std::lock_guard lock(shared->mutex);
                     shared->first.emplace(this_replica()->index, x);
                   }
                   const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
                   for (;;) {
                     {
                       std::lock_guard lock(shared->mutex);
                       if (shared->first.size() == replicas) break;
                     }
                     if (std::chrono::steady_clock::now() > deadline) break;
                     std::this_thread::yield();
                   }
                   throw Stop{};
                 })
                 .collect_count();
  EXPECT_THROW(ctx.execute_blocking(), Stop);
  std::lock_guard lock(shared->mutex);
  return shared->first;
}

TEST_P(Sources, ParIterFullWidthRanges) {
  using i128 = __int128;
  {
    auto ctx = context();
    constexpr auto lo = std::numeric_limits<std::int64_t>::min(), hi = std::numeric_limits<std::int64_t>::max();
    auto first = first_items<std::int64_t>(ctx, lo, hi, n());
    ASSERT_EQ(first.size(), n());
    const i128 len = static_cast<i128>(hi) - static_cast<i128>(lo);
    for (std::size_t i = 0; i < n(); ++i)
      EXPECT_EQ(static_cast<i128>(first[i]), static_cast<i128>(lo) + len * static_cast<i128>(i) / static_cast<i128>(n())) << "replica " << i;
  }
  {
    auto ctx = context();
    constexpr auto lo = std::numeric_limits<std::int32_t>::min(), hi = std::numeric_limits<std::int32_t>::max();
    auto first = first_items<std::int32_t>(ctx, lo, hi, n());
    ASSERT_EQ(first.size(), n());
    const long long len = static_cast<long long>(hi) - lo;
    for (std::size_t i = 0; i < n(); ++i)
      EXPECT_EQ(first[i], lo + len * static_cast<long long>(i) / static_cast<long long>(n())) << "replica " << i;
  }
  {
    auto ctx = context();
    constexpr auto hi = std::numeric_limits<std::uint64_t>::max();
    auto first = first_items<std::uint64_t>(ctx, 0, hi, n());
    ASSERT_EQ(first.size(), n());
    for (std::size_t i = 0; i < n(); ++i)
      EXPECT_EQ(static_cast<i128>(first[i]), static_cast<i128>(hi) * static_cast<i128>(i) / static_cast<i128>(n())) << "replica " << i;
  }
}

TEST_P(Sources, ParIterRangeSmallerThanReplicas) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(41, 43).collect_vec();
  auto one = ctx.stream_par_iter(7, 8).collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(out)), (std::vector<int>{41, 42}));
  EXPECT_EQ(take(one), std::vector<int>{7});
}

TEST_P(Sources, ParIterFunctionGetsIndexAndReplicas) {
  auto ctx = context();
  auto out = ctx.stream_par_iter([](std::size_t index, std::size_t replicas) {
                  std::vector<std::pair<std::size_t, std::size_t>> v;
                  for (std::size_t k = 0; k <= index * 100; ++k) v.emplace_back(index * 1000 + k, replicas);
                  return v;
                })
                 .map([](std::pair<std::size_t, std::size_t> p) { return std::tuple<std::size_t, std::size_t, std::size_t>(p.first, p.second, this_replica()->index); })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> expected;
  for (std::size_t i = 0; i < n(); ++i)
    for (std::size_t k = 0; k <= i * 100; ++k) expected.emplace_back(i * 1000 + k, n(), i);
  EXPECT_EQ(sorted(take(out)), sorted(expected));
}

TEST_P(Sources, ParIterFunctionReturningStrings) {
  auto ctx = context();
  auto out = ctx.stream_par_iter([](std::size_t index, std::size_t replicas) {
                  std::vector<std::string> v;
                  for (std::size_t x = index; x < 500; x += replicas) v.push_back(std::to_string(x));
                  return v;
                })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<std::string> expected;
  for (int x = 0; x < 500; ++x) expected.push_back(std::to_string(x));
  EXPECT_EQ(sorted(take(out)), sorted(expected));
}

TEST_P(Sources, StreamFileReadsEveryLine) {
  TempDir dir;
  std::string content;
  for (int i = 0; i < 5000; ++i) content += cat("line ", i, i % 7 == 0 ? std::string(i % 50, 'x') : std::string(), "\n");
  const std::string path = dir.write("lines.txt", content);
  auto ctx = context();
  auto out = ctx.stream_file(path).collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(multiset(take(out)), multiset(lines_of(content)));
}

TEST_P(Sources, StreamFileWordCount) {
  TempDir dir;
  std::string content;
  for (int i = 0; i < 3000; ++i) content += cat("w", i % 13, " w", i % 5, "\r\n");
  const std::string path = dir.write("words.txt", content);
  auto ctx = context();
  auto out = ctx.stream_file(path)
                 .flat_map([](const std::string& line) {
                   std::vector<std::string> words;
                   std::istringstream in(line);
                   for (std::string w; in >> w;) words.push_back(w);
                   return words;
                 })
                 .group_by_count([](const std::string& w) { return w; })
                 .collect_vec();
  ctx.execute_blocking();
  std::map<std::string, std::size_t> expected;
  for (auto& line : lines_of(content)) {
    std::istringstream in(line);
    for (std::string w; in >> w;) ++expected[w];
  }
  auto got = take(out);
  EXPECT_EQ((std::map<std::string, std::size_t>(got.begin(), got.end())), expected);
}

}  // namespace
}  // namespace renoir::test
