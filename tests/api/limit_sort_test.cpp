// limit(n, offset), sorted_limit_by / sorted_limit, and sorted_by with three-way comparators
// (api/operators/limit.hpp, sorted_limit.hpp, sorted_by.hpp, api/comparator.hpp).
#include <algorithm>
#include <compare>
#include <cstddef>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

RENOIR_PAR_SUITE(LimitSort);

// A shuffled permutation of 0..n-1, as the source of a single replica.
std::vector<int> shuffled(int n, std::uint64_t seed) {
  std::vector<int> v = iota(n);
  std::mt19937_64 rng(seed);
  std::shuffle(v.begin(), v.end(), rng);
  return v;
}

TEST_P(LimitSort, LimitWithOffsetOnAnOrderedStreamKeepsThatWindow) {
  const auto input = shuffled(5000, 7);
  for (auto [n, offset] : std::vector<std::pair<std::size_t, std::size_t>>{{10, 0}, {10, 5}, {100, 4990}, {50, 5000}, {0, 3}, {7000, 1}}) {
    SCOPED_TRACE(cat("n=", n, " offset=", offset));
    auto ctx = context();
    // stream_iter is one replica: the order is the vector's, through a shuffle-free map.
    auto out = ctx.stream_iter(input).map([](int x) { return x * 2; }).limit(n, offset).collect_vec();
    ctx.execute_blocking();
    std::vector<int> expected;
    for (std::size_t i = offset; i < input.size() && i < offset + n; ++i) expected.push_back(input[i] * 2);
    EXPECT_EQ(take(out), expected);
  }
}

TEST_P(LimitSort, LimitWithOffsetOverParallelReplicasCountsGlobally) {
  // Spread over every replica: which items survive depends on arrival, how many does not, and
  // they are distinct items of the input.
  for (auto [n, offset] : std::vector<std::pair<std::size_t, std::size_t>>{{10, 0}, {300, 250}, {1000, 9500}, {5, 10000}}) {
    SCOPED_TRACE(cat("n=", n, " offset=", offset));
    auto ctx = context();
    auto out = ctx.stream_par_iter(0, 10000).limit(n, offset).collect_vec();
    ctx.execute_blocking();
    auto got = take(out);
    const std::size_t expected_size = offset >= 10000 ? 0 : std::min<std::size_t>(n, 10000 - offset);
    EXPECT_EQ(got.size(), expected_size);
    auto m = multiset(got);
    EXPECT_EQ(m.size(), got.size()) << "an item came twice";
    for (int x : got) EXPECT_TRUE(x >= 0 && x < 10000) << x;
  }
}

TEST_P(LimitSort, LimitWithoutOffsetIsUnchanged) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 1000).limit(17).collect_count();
  ctx.execute_blocking();
  EXPECT_EQ(take(out), 17u);
}

TEST_P(LimitSort, SortedLimitRanksOverEveryReplica) {
  const int kN = 20000;
  for (auto [n, offset] : std::vector<std::pair<std::size_t, std::size_t>>{{10, 0}, {10, 100}, {3000, 15000}, {100, 19950}, {5, 20000}, {0, 0}}) {
    SCOPED_TRACE(cat("n=", n, " offset=", offset));
    auto ctx = context();
    // Descending by x % 1000, then ascending by x: a total order, computed here independently.
    auto key = [](int x) { return std::pair(-(x % 1000), x); };
    auto out = ctx.stream_par_iter(0, kN)
                   .map([](int x) { return (x * 7919) % kN; })  // a permutation of 0..kN-1
                   .sorted_limit_by([key](const int& a, const int& b) { return key(a) <=> key(b); }, n, offset)
                   .collect_vec();
    ctx.execute_blocking();
    std::vector<int> all = iota(kN);
    std::sort(all.begin(), all.end(), [&](int a, int b) { return key(a) < key(b); });
    std::vector<int> expected;
    for (std::size_t i = offset; i < all.size() && i < offset + n; ++i) expected.push_back(all[i]);
    EXPECT_EQ(take(out), expected);
  }
}

TEST_P(LimitSort, SortedLimitWithALessThanAndOperatorLess) {
  auto ctx = context();
  auto top = ctx.stream_par_iter(0, 5000).sorted_limit_by([](const int& a, const int& b) { return a > b; }, 5);
  auto low = ctx.stream_par_iter(0, 5000).map([](int x) { return cat("s", 10000 + x); }).sorted_limit(3, 2);
  auto out_top = top.collect_vec();
  auto out_low = low.collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(take(out_top), (std::vector<int>{4999, 4998, 4997, 4996, 4995}));
  EXPECT_EQ(take(out_low), (std::vector<std::string>{"s10002", "s10003", "s10004"}));
}

// Ties keep their arrival order (as Rust's stable sort_by): from one replica, equal keys come
// out in input order, across the buffer cuts of the per-replica pass.
TEST_P(LimitSort, SortedLimitIsStableFromOneReplica) {
  std::vector<std::pair<int, int>> input;
  for (int i = 0; i < 6000; ++i) input.emplace_back((i * 31) % 5, i);
  auto ctx = context();
  auto out = ctx.stream_iter(input)
                 .sorted_limit_by([](const std::pair<int, int>& a, const std::pair<int, int>& b) { return a.first <=> b.first; }, 1500, 100)
                 .collect_vec();
  ctx.execute_blocking();
  auto expected = input;
  std::stable_sort(expected.begin(), expected.end(), [](auto& a, auto& b) { return a.first < b.first; });
  expected = std::vector<std::pair<int, int>>(expected.begin() + 100, expected.begin() + 1600);
  EXPECT_EQ(take(out), expected);
}

struct Weak {
  int key, payload;
  friend std::weak_ordering operator<=>(const Weak& a, const Weak& b) { return a.key <=> b.key; }
  friend bool operator==(const Weak& a, const Weak& b) { return a.key == b.key && a.payload == b.payload; }
};

TEST_P(LimitSort, SortedByTakesAThreeWayComparator) {
  auto ctx = context();
  auto desc = ctx.stream_par_iter(0, 3000).sorted_by([](const int& a, const int& b) { return b <=> a; }).collect_vec();
  auto weak = ctx.stream_iter(std::vector<Weak>{{3, 0}, {1, 1}, {3, 2}, {0, 3}, {1, 4}})
                  .sorted_by([](const Weak& a, const Weak& b) { return a <=> b; })
                  .collect_vec();
  auto doubles = ctx.stream_par_iter(0, 100)
                     .map([](int x) { return (x % 2 ? 1.0 : -1.0) * x / 4.0; })
                     .sorted_by([](const double& a, const double& b) { return std::strong_order(a, b); })
                     .collect_vec();
  auto less = ctx.stream_par_iter(0, 100).sorted_by([](int a, int b) { return a > b; }).collect_vec();
  ctx.execute_blocking();
  std::vector<int> expected_desc = iota(3000);
  std::reverse(expected_desc.begin(), expected_desc.end());
  EXPECT_EQ(take(desc), expected_desc);
  EXPECT_EQ(take(weak), (std::vector<Weak>{{0, 3}, {1, 1}, {1, 4}, {3, 0}, {3, 2}}));  // stable
  std::vector<double> expected_doubles;
  for (int x = 0; x < 100; ++x) expected_doubles.push_back((x % 2 ? 1.0 : -1.0) * x / 4.0);
  std::sort(expected_doubles.begin(), expected_doubles.end());
  EXPECT_EQ(take(doubles), expected_doubles);
  auto expected_less = iota(100);
  std::reverse(expected_less.begin(), expected_less.end());
  EXPECT_EQ(take(less), expected_less);
}

// What sorted_by accepts, checked without compiling a failing call (that is
// tests/api/compile_fail/sorted_by_bad_comparator.cpp).
TEST(Comparators, AcceptedAndRefusedSignatures) {
  auto less = [](const int& a, const int& b) { return a < b; };
  auto three_way = [](const int& a, const int& b) { return a <=> b; };
  auto partial = [](const double& a, const double& b) { return a <=> b; };
  auto number = [](const int& a, const int& b) { return a - b; };
  auto unary = [](const int& a) { return a; };
  static_assert(detail::Comparator<decltype(less), int>);
  static_assert(detail::Comparator<decltype(three_way), int>);
  static_assert(detail::Comparator<std::less<int>, int>);
  static_assert(!detail::Comparator<decltype(partial), double>);
  static_assert(!detail::Comparator<decltype(number), int>);
  static_assert(!detail::Comparator<decltype(unary), int>);
  static_assert(!detail::Comparator<decltype(less), std::string>);
  EXPECT_TRUE(detail::AsLess<decltype(three_way)>{three_way}(1, 2));
  EXPECT_FALSE(detail::AsLess<decltype(three_way)>{three_way}(2, 2));
}

}  // namespace
}  // namespace renoir::test
