// Element-wise operators (api/operators/map.hpp, filter.hpp, filter_map.hpp, flat_map.hpp,
// inspect.hpp) at parallelism 1, 2 and 4, checked against plain loops.
#include <atomic>
#include <mutex>
#include <numeric>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

constexpr int kN = 20000;

RENOIR_PAR_SUITE(Elementwise);

TEST_P(Elementwise, MapSquares) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, kN).map([](int x) { return static_cast<long long>(x) * x + 1; }).collect_vec();
  ctx.execute_blocking();
  std::vector<long long> expected;
  for (int x = 0; x < kN; ++x) expected.push_back(static_cast<long long>(x) * x + 1);
  EXPECT_EQ(sorted(take(out)), expected);
}

TEST_P(Elementwise, MapChangesType) {
  auto ctx = context();
  std::vector<int> input = iota(3000, -1500);
  auto out = ctx.stream_iter(input).shuffle().map([](int x) { return std::to_string(x); }).collect_vec();
  ctx.execute_blocking();
  std::vector<std::string> expected;
  for (int x : input) expected.push_back(std::to_string(x));
  EXPECT_EQ(multiset(take(out)), multiset(expected));
}

TEST_P(Elementwise, Filter) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, kN).filter([](const int& x) { return x % 3 == 0 || x % 7 == 1; }).collect_vec();
  ctx.execute_blocking();
  std::vector<int> expected;
  for (int x = 0; x < kN; ++x)
    if (x % 3 == 0 || x % 7 == 1) expected.push_back(x);
  EXPECT_EQ(sorted(take(out)), expected);
}

TEST_P(Elementwise, FilterNothingAndEverything) {
  auto ctx = context();
  auto none = ctx.stream_par_iter(0, kN).filter([](const int&) { return false; }).collect_count();
  auto all = ctx.stream_par_iter(0, kN).filter([](const int&) { return true; }).collect_count();
  ctx.execute_blocking();
  EXPECT_EQ(take(none), 0u);
  EXPECT_EQ(take(all), static_cast<std::size_t>(kN));
}

TEST_P(Elementwise, FilterMap) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, kN)
                 .filter_map([](int x) -> std::optional<std::string> {
                   if (x % 5 != 2) return std::nullopt;
                   std::string s = "v";
                   s += std::to_string(x / 5);
                   return s;
                 })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<std::string> expected;
  for (int x = 0; x < kN; ++x)
    if (x % 5 == 2) expected.push_back(std::string("v").append(std::to_string(x / 5)));
  EXPECT_EQ(multiset(take(out)), multiset(expected));
}

TEST_P(Elementwise, FlatMap) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 5000)
                 .flat_map([](int x) {
                   std::vector<int> v;
                   for (int k = 0; k < x % 4; ++k) v.push_back(x * 10 + k);
                   return v;
                 })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<int> expected;
  for (int x = 0; x < 5000; ++x)
    for (int k = 0; k < x % 4; ++k) expected.push_back(x * 10 + k);
  EXPECT_EQ(sorted(take(out)), sorted(expected));
}

TEST_P(Elementwise, FlatMapOfStrings) {
  auto ctx = context();
  std::vector<std::string> input{"a b c", "", "dd ee", "f", "  g  h  "};
  auto out = ctx.stream_iter(input)
                 .shuffle()
                 .flat_map([](const std::string& s) {
                   std::vector<std::string> words;
                   std::istringstream in(s);
                   for (std::string w; in >> w;) words.push_back(w);
                   return words;
                 })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<std::string> expected{"a", "b", "c", "dd", "ee", "f", "g", "h"};
  EXPECT_EQ(sorted(take(out)), expected);
}

TEST_P(Elementwise, Flatten) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 3000)
                 .map([](int x) { return std::vector<int>(static_cast<std::size_t>(x % 3), x); })
                 .flatten()
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<int> expected;
  for (int x = 0; x < 3000; ++x)
    for (int k = 0; k < x % 3; ++k) expected.push_back(x);
  EXPECT_EQ(sorted(take(out)), expected);
}

TEST_P(Elementwise, Inspect) {
  auto ctx = context();
  std::atomic<long long> seen_sum{0};
  std::atomic<int> seen_count{0};
  auto out = ctx.stream_par_iter(0, kN)
                 .inspect([&](const int& x) {
                   seen_sum += x;
                   ++seen_count;
                 })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<int> all = take(out);
  long long expected_sum = 0;
  for (int x = 0; x < kN; ++x) expected_sum += x;
  EXPECT_EQ(seen_sum.load(), expected_sum);
  EXPECT_EQ(seen_count.load(), kN);
  EXPECT_EQ(sorted(all), iota(kN));  // passed on unchanged
}

// rich_map: every replica owns a copy of the callable. On stream_par_iter, replica i reads its
// share in increasing order, so the counter of replica i numbers its share 1..len.
TEST_P(Elementwise, RichMapPerReplicaCounter) {
  auto ctx = context();
  using Row = std::tuple<std::size_t, std::size_t, int, std::size_t>;  // replica, counter, item, replicas
  auto out = ctx.stream_par_iter(0, kN)
                 .rich_map([count = std::size_t{0}](int x) mutable {
                   const ReplicaInfo* r = this_replica();
                   return Row(r->index, ++count, x, r->replicas);
                 })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<Row> rows = take(out);
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kN));
  std::map<std::size_t, std::vector<std::pair<std::size_t, int>>> per_replica;
  for (auto& [replica, counter, x, replicas] : rows) {
    EXPECT_EQ(replicas, n());
    per_replica[replica].emplace_back(counter, x);
  }
  std::size_t total = 0;
  for (std::size_t i = 0; i < n(); ++i) {
    auto [from, to] = share(0, kN, i, n());
    std::vector<std::pair<std::size_t, int>> expected;
    for (long long x = from; x < to; ++x) expected.emplace_back(static_cast<std::size_t>(x - from + 1), static_cast<int>(x));
    EXPECT_EQ(sorted(per_replica[i]), expected) << "replica " << i;
    total += per_replica[i].size();
  }
  EXPECT_EQ(total, static_cast<std::size_t>(kN));
}

// After a shuffle the order is not known, but each replica's counter still runs 1..(its items).
TEST_P(Elementwise, RichMapAfterShuffle) {
  auto ctx = context();
  auto out = ctx.stream_iter(iota(5000))
                 .shuffle()
                 .rich_map([count = 0](int) mutable { return std::pair<std::size_t, int>(this_replica()->index, ++count); })
                 .collect_vec();
  ctx.execute_blocking();
  std::map<std::size_t, std::vector<int>> counters;
  for (auto& [replica, c] : take(out)) counters[replica].push_back(c);
  std::size_t total = 0;
  for (auto& [replica, cs] : counters) {
    EXPECT_LT(replica, n());
    EXPECT_EQ(sorted(cs), iota(static_cast<int>(cs.size()), 1)) << "replica " << replica;
    total += cs.size();
  }
  EXPECT_EQ(total, 5000u);
}

// rich_filter_map: keeps every third item each replica sees (its 1st, 4th, 7th, ...).
TEST_P(Elementwise, RichFilterMapPerReplicaState) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, kN)
                 .rich_filter_map([count = 0](int x) mutable -> std::optional<std::pair<int, int>> {
                   if (count++ % 3 != 0) return std::nullopt;
                   return std::pair<int, int>(x, count);
                 })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<std::pair<int, int>> expected;
  for (std::size_t i = 0; i < n(); ++i) {
    auto [from, to] = share(0, kN, i, n());
    for (long long x = from; x < to; ++x)
      if ((x - from) % 3 == 0) expected.emplace_back(static_cast<int>(x), static_cast<int>(x - from + 1));
  }
  EXPECT_EQ(sorted(take(out)), sorted(expected));
}

// rich_flat_map: emits as many copies of each item as the replica has seen items so far, mod 3.
TEST_P(Elementwise, RichFlatMapPerReplicaState) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 6000)
                 .rich_flat_map([seen = 0](int x) mutable {
                   ++seen;
                   return std::vector<int>(static_cast<std::size_t>(seen % 3), x);
                 })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<int> expected;
  for (std::size_t i = 0; i < n(); ++i) {
    auto [from, to] = share(0, 6000, i, n());
    for (long long x = from; x < to; ++x)
      for (long long k = 0; k < (x - from + 1) % 3; ++k) expected.push_back(static_cast<int>(x));
  }
  EXPECT_EQ(sorted(take(out)), sorted(expected));
}

TEST_P(Elementwise, LongChainInOneBlock) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(1, 10001)
                 .map([](int x) { return x * 3; })
                 .filter([](const int& x) { return x % 2 == 0; })
                 .flat_map([](int x) { return std::vector<int>{x, -x}; })
                 .filter_map([](int x) -> std::optional<long long> {
                   if (x % 4 == 0) return std::nullopt;
                   return static_cast<long long>(x) * 2;
                 })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<long long> expected;
  for (int x = 1; x < 10001; ++x) {
    int y = x * 3;
    if (y % 2 != 0) continue;
    for (int z : {y, -y})
      if (z % 4 != 0) expected.push_back(static_cast<long long>(z) * 2);
  }
  EXPECT_EQ(sorted(take(out)), sorted(expected));
}

}  // namespace
}  // namespace renoir::test
