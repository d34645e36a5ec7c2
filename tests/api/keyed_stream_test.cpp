// KeyedStream (api/keyed_stream.hpp): map, filter, filter_map, flat_map, fold, reduce,
// rich_map, unkey, drop_key, at parallelism 1, 2 and 4.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

constexpr int kN = 12000;
constexpr int kKeys = 41;

int key_of(int x) { return (x * 13) % kKeys; }

RENOIR_PAR_SUITE(Keyed);

auto keyed_source(StreamContext& ctx) { return ctx.stream_par_iter(0, kN).group_by([](const int& x) { return key_of(x); }); }

std::vector<std::pair<int, int>> expected_pairs() {
  std::vector<std::pair<int, int>> v;
  for (int x = 0; x < kN; ++x) v.emplace_back(key_of(x), x);
  return v;
}

TEST_P(Keyed, UnkeyGivesThePairs) {
  auto ctx = context();
  auto out = keyed_source(ctx).unkey().collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(out)), sorted(expected_pairs()));
}

TEST_P(Keyed, DropKeyGivesTheValues) {
  auto ctx = context();
  auto out = keyed_source(ctx).drop_key().collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(out)), iota(kN));
}

TEST_P(Keyed, MapKeyValueAndPairForms) {
  auto ctx = context();
  auto two_args = keyed_source(ctx).map([](const int& k, int v) { return static_cast<long long>(k) * 100000 + v; }).collect_vec();
  auto pair_arg = keyed_source(ctx)
                      .map([](std::pair<const int&, int&&> kv) { return cat(kv.first, ":", kv.second); })
                      .collect_vec();
  ctx.execute_blocking();
  std::vector<std::pair<int, long long>> e1;
  std::vector<std::pair<int, std::string>> e2;
  for (auto [k, v] : expected_pairs()) {
    e1.emplace_back(k, static_cast<long long>(k) * 100000 + v);
    e2.emplace_back(k, cat(k, ":", v));
  }
  EXPECT_EQ(sorted(take(two_args)), sorted(e1));
  EXPECT_EQ(sorted(take(pair_arg)), sorted(e2));
}

TEST_P(Keyed, Filter) {
  auto ctx = context();
  auto out = keyed_source(ctx).filter([](const int& k, const int& v) { return k % 3 == 0 && v % 2 == 1; }).collect_vec();
  ctx.execute_blocking();
  std::vector<std::pair<int, int>> expected;
  for (auto [k, v] : expected_pairs())
    if (k % 3 == 0 && v % 2 == 1) expected.emplace_back(k, v);
  EXPECT_EQ(sorted(take(out)), sorted(expected));
}

TEST_P(Keyed, FilterMap) {
  auto ctx = context();
  auto out = keyed_source(ctx)
                 .filter_map([](const int& k, int v) -> std::optional<double> {
                   if ((k + v) % 4 != 0) return std::nullopt;
                   return v / 2.0;
                 })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<std::pair<int, double>> expected;
  for (auto [k, v] : expected_pairs())
    if ((k + v) % 4 == 0) expected.emplace_back(k, v / 2.0);
  EXPECT_EQ(sorted(take(out)), sorted(expected));
}

TEST_P(Keyed, FlatMap) {
  auto ctx = context();
  auto out = keyed_source(ctx)
                 .flat_map([](const int& k, int v) {
                   std::vector<int> r;
                   for (int i = 0; i < (k + v) % 3; ++i) r.push_back(v * 10 + i);
                   return r;
                 })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<std::pair<int, int>> expected;
  for (auto [k, v] : expected_pairs())
    for (int i = 0; i < (k + v) % 3; ++i) expected.emplace_back(k, v * 10 + i);
  EXPECT_EQ(sorted(take(out)), sorted(expected));
}

TEST_P(Keyed, Fold) {
  auto ctx = context();
  using Acc = std::pair<long long, int>;  // (sum, count)
  auto in_place = keyed_source(ctx)
                      .fold(Acc{0, 0},
                            [](Acc& a, int v) {
                              a.first += v;
                              ++a.second;
                            })
                      .collect_vec();
  auto by_value = keyed_source(ctx).fold(std::string(), [](std::string acc, int v) { return acc + (v % 2 ? "o" : "e"); }).collect_vec();
  ctx.execute_blocking();
  std::map<int, Acc> expected;
  std::map<int, std::string> expected_str;
  for (auto [k, v] : expected_pairs()) {
    expected[k].first += v;
    ++expected[k].second;
    expected_str[k] += (v % 2 ? "o" : "e");
  }
  auto got = take(in_place);
  EXPECT_EQ(got.size(), expected.size());
  EXPECT_EQ(to_map(got), expected);
  auto strs = take(by_value);
  EXPECT_EQ(strs.size(), expected_str.size());
  for (auto& [k, s] : strs) {  // arrival order varies: compare the letters as multisets
    std::string a = s, b = expected_str[k];
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a, b) << "key " << k;
  }
}

TEST_P(Keyed, Reduce) {
  auto ctx = context();
  auto sum = keyed_source(ctx).map([](const int&, int v) { return static_cast<long long>(v); }).reduce([](long long& a, long long b) { a += b; }).collect_vec();
  auto min = keyed_source(ctx).reduce([](int a, int b) { return std::min(a, b); }).collect_vec();
  ctx.execute_blocking();
  std::map<int, long long> expected_sum;
  std::map<int, int> expected_min;
  for (auto [k, v] : expected_pairs()) {
    expected_sum[k] += v;
    auto [it, fresh] = expected_min.emplace(k, v);
    if (!fresh) it->second = std::min(it->second, v);
  }
  auto s = take(sum);
  auto m = take(min);
  EXPECT_EQ(s.size(), expected_sum.size());
  EXPECT_EQ(m.size(), expected_min.size());
  EXPECT_EQ(to_map(s), expected_sum);
  EXPECT_EQ(to_map(m), expected_min);
}

// rich_map: each key owns its callable: a counter numbers the values of each key 1..count.
TEST_P(Keyed, RichMapPerKeyState) {
  auto ctx = context();
  auto out = keyed_source(ctx).rich_map([seen = 0](const int&, int v) mutable { return std::pair<int, int>(++seen, v); }).collect_vec();
  ctx.execute_blocking();
  std::map<int, std::vector<int>> counters;
  std::map<int, std::vector<int>> values;
  for (auto& [k, cv] : take(out)) {
    counters[k].push_back(cv.first);
    values[k].push_back(cv.second);
  }
  std::map<int, std::vector<int>> expected_values;
  for (auto [k, v] : expected_pairs()) expected_values[k].push_back(v);
  ASSERT_EQ(counters.size(), expected_values.size());
  for (auto& [k, vs] : expected_values) {
    EXPECT_EQ(sorted(counters[k]), iota(static_cast<int>(vs.size()), 1)) << "key " << k;
    EXPECT_EQ(sorted(values[k]), vs) << "key " << k;
  }
}

// On a key_by stream from stream_par_iter the values of a key reach its state in source order.
TEST_P(Keyed, RichMapRunningSumOnKeyBy) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 4000)
                 .key_by([](const int& x) { return x % 5; })
                 .rich_map([sum = 0LL](const int&, int v) mutable { return std::pair<int, long long>(v, sum += v); })
                 .collect_vec();
  ctx.execute_blocking();
  // Replica i holds share i; per (replica, key) the running sum restarts.
  std::map<int, long long> expected;  // item -> running sum at that item
  for (std::size_t i = 0; i < n(); ++i) {
    auto [from, to] = share(0, 4000, i, n());
    std::map<int, long long> sums;
    for (long long x = from; x < to; ++x) expected[static_cast<int>(x)] = sums[static_cast<int>(x % 5)] += x;
  }
  std::map<int, long long> got;
  for (auto& [k, p] : take(out)) {
    EXPECT_EQ(k, p.first % 5);
    got[p.first] = p.second;
  }
  EXPECT_EQ(got, expected);
}

TEST_P(Keyed, ChainedKeyedOperators) {
  auto ctx = context();
  auto out = keyed_source(ctx)
                 .filter([](const int&, const int& v) { return v % 3 != 0; })
                 .map([](const int& k, int v) { return v + k; })
                 .fold(0LL, [](long long& a, int v) { a += v; })
                 .map([](const int&, long long s) { return s * 2; })
                 .collect_vec();
  ctx.execute_blocking();
  std::map<int, long long> expected;
  for (auto [k, v] : expected_pairs())
    if (v % 3 != 0) expected[k] += v + k;
  for (auto& [k, s] : expected) s *= 2;
  auto got = take(out);
  EXPECT_EQ(to_map(got), expected);
}

TEST_P(Keyed, KeyedSinks) {
  auto ctx = context();
  auto count = keyed_source(ctx).collect_count();
  auto set = keyed_source(ctx).collect<std::set<std::pair<int, int>>>();
  auto all = keyed_source(ctx).collect_all();
  ctx.execute_blocking();
  EXPECT_EQ(take(count), static_cast<std::size_t>(kN));
  auto e = expected_pairs();
  EXPECT_EQ(take(set), (std::set<std::pair<int, int>>(e.begin(), e.end())));
  EXPECT_EQ(sorted(take(all)), sorted(e));
}

}  // namespace
}  // namespace renoir::test
