// Aggregations (api/operators/fold.hpp, reduce.hpp, group_by_fold.hpp, group_by_reduce.hpp,
// unique_assoc.hpp, sorted_by.hpp, limit.hpp) at parallelism 1, 2 and 4.
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

constexpr int kN = 20000;

RENOIR_PAR_SUITE(Aggregation);

TEST_P(Aggregation, FoldInPlace) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, kN).fold(0LL, [](long long& acc, int x) { acc += x; }).collect_vec();
  ctx.execute_blocking();
  long long expected = 0;
  for (int x = 0; x < kN; ++x) expected += x;
  EXPECT_EQ(take(out), std::vector<long long>{expected});
}

TEST_P(Aggregation, FoldReturningAccumulatorSeesEveryItemOnce) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 5000)
                 .fold(std::vector<int>{},
                       [](std::vector<int> acc, int x) {
                         acc.push_back(x);
                         return acc;
                       })
                 .collect_vec();
  ctx.execute_blocking();
  auto result = take(out);
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(sorted(result[0]), iota(5000));
}

// fold runs in one replica, so a non-identity init is folded in exactly once.
TEST_P(Aggregation, FoldNonIdentityInit) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(1, 101).fold(1000, [](int& acc, int x) { acc += x; }).collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(take(out), std::vector<int>{1000 + 5050});
}

TEST_P(Aggregation, ReduceInPlaceAndByValue) {
  auto ctx = context();
  auto max = ctx.stream_par_iter(0, kN)
                 .map([](int x) { return (x * 7919) % 10007; })
                 .reduce([](int& acc, int x) { acc = std::max(acc, x); })
                 .collect_vec();
  auto sum = ctx.stream_par_iter(0, kN).map([](int x) { return static_cast<long long>(x); }).reduce([](long long a, long long b) { return a + b; }).collect_vec();
  ctx.execute_blocking();
  int expected_max = 0;
  long long expected_sum = 0;
  for (int x = 0; x < kN; ++x) {
    expected_max = std::max(expected_max, (x * 7919) % 10007);
    expected_sum += x;
  }
  EXPECT_EQ(take(max), std::vector<int>{expected_max});
  EXPECT_EQ(take(sum), std::vector<long long>{expected_sum});
}

TEST_P(Aggregation, FoldAssoc) {
  auto ctx = context();
  using MinMax = std::pair<int, int>;
  auto count = ctx.stream_par_iter(0, kN)
                   .fold_assoc(std::size_t{0}, [](std::size_t& n, const int&) { ++n; }, [](std::size_t& n, std::size_t part) { n += part; })
                   .collect_vec();
  auto minmax = ctx.stream_par_iter(-300, 7000)
                    .fold_assoc(
                        MinMax{INT32_MAX, INT32_MIN},
                        [](MinMax& m, int x) {
                          m.first = std::min(m.first, x);
                          m.second = std::max(m.second, x);
                        },
                        [](MinMax& m, MinMax part) {
                          m.first = std::min(m.first, part.first);
                          m.second = std::max(m.second, part.second);
                        })
                    .collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(take(count), std::vector<std::size_t>{static_cast<std::size_t>(kN)});
  EXPECT_EQ(take(minmax), (std::vector<MinMax>{{-300, 6999}}));
}

TEST_P(Aggregation, ReduceAssoc) {
  auto ctx = context();
  auto sum = ctx.stream_par_iter(0, kN).map([](int x) { return static_cast<long long>(x) * x; }).reduce_assoc([](long long& a, long long b) { a += b; }).collect_vec();
  auto min = ctx.stream_iter(iota(3000, -1234)).shuffle().reduce_assoc([](int a, int b) { return std::min(a, b); }).collect_vec();
  ctx.execute_blocking();
  long long expected = 0;
  for (int x = 0; x < kN; ++x) expected += static_cast<long long>(x) * x;
  EXPECT_EQ(take(sum), std::vector<long long>{expected});
  EXPECT_EQ(take(min), std::vector<int>{-1234});
}

TEST_P(Aggregation, GroupByFold) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, kN)
                 .group_by_fold([](const int& x) { return x % 97; }, 0LL,
                                [](long long& acc, const int& x) { acc += static_cast<long long>(x) * x; },
                                [](long long& acc, long long part) { acc += part; })
                 .collect_vec();
  ctx.execute_blocking();
  std::map<int, long long> expected;
  for (int x = 0; x < kN; ++x) expected[x % 97] += static_cast<long long>(x) * x;
  auto result = take(out);
  EXPECT_EQ(result.size(), expected.size());  // one pair per key
  EXPECT_EQ(to_map(result), expected);
}

TEST_P(Aggregation, GroupByFoldStringKeysVectorAcc) {
  auto ctx = context();
  std::vector<std::string> words;
  for (int i = 0; i < 3000; ++i) words.push_back(std::string(1 + i % 5, static_cast<char>('a' + i % 7)));
  using Acc = std::vector<int>;
  auto out = ctx.stream_iter(words)
                 .shuffle()
                 .group_by_fold([](const std::string& w) { return w; }, Acc{},
                                [](Acc& acc, const std::string& w) { acc.push_back(static_cast<int>(w.size())); },
                                [](Acc& acc, Acc part) { acc.insert(acc.end(), part.begin(), part.end()); })
                 .collect_vec();
  ctx.execute_blocking();
  std::map<std::string, Acc> expected;
  for (auto& w : words) expected[w].push_back(static_cast<int>(w.size()));
  std::map<std::string, Acc> got;
  for (auto& [w, acc] : take(out)) {
    EXPECT_FALSE(got.count(w)) << "key twice: " << w;
    got[w] = sorted(acc);
  }
  EXPECT_EQ(got, expected);
}

TEST_P(Aggregation, GroupByReduce) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, kN)
                 .map([](int x) { return std::pair<int, int>(x % 31, (x * 7919) % 10007); })
                 .group_by_reduce([](const std::pair<int, int>& p) { return p.first; },
                                  [](std::pair<int, int>& acc, std::pair<int, int> p) { acc.second = std::max(acc.second, p.second); })
                 .collect_vec();
  ctx.execute_blocking();
  std::map<int, int> expected;
  for (int x = 0; x < kN; ++x) {
    int k = x % 31, v = (x * 7919) % 10007;
    auto [it, fresh] = expected.emplace(k, v);
    if (!fresh) it->second = std::max(it->second, v);
  }
  std::map<int, int> got;
  for (auto& [key, item] : take(out)) {
    EXPECT_EQ(key, item.first);
    EXPECT_TRUE(got.emplace(key, item.second).second) << "key twice: " << key;
  }
  EXPECT_EQ(got, expected);
}

TEST_P(Aggregation, GroupBySumCountAvg) {
  auto ctx = context();
  auto key = [](const int& x) { return (x / 3) % 23; };
  auto value = [](const int& x) { return x % 1000; };
  auto sum = ctx.stream_par_iter(0, kN).group_by_sum(key, value).collect_vec();
  auto count = ctx.stream_par_iter(0, kN).group_by_count(key).collect_vec();
  auto avg = ctx.stream_par_iter(0, kN).group_by_avg(key, value).collect_vec();
  ctx.execute_blocking();
  std::map<int, int> expected_sum;
  std::map<int, std::size_t> expected_count;
  for (int x = 0; x < kN; ++x) {
    expected_sum[key(x)] += value(x);
    ++expected_count[key(x)];
  }
  auto sums = take(sum);
  auto counts = take(count);
  EXPECT_EQ(sums.size(), expected_sum.size());
  EXPECT_EQ(counts.size(), expected_count.size());
  EXPECT_EQ(to_map(sums), expected_sum);
  EXPECT_EQ(to_map(counts), expected_count);
  auto avgs = take(avg);
  EXPECT_EQ(avgs.size(), expected_count.size());
  for (auto& [k, a] : avgs) {
    ASSERT_TRUE(expected_count.count(k)) << k;
    EXPECT_NEAR(a, static_cast<double>(expected_sum[k]) / static_cast<double>(expected_count[k]), 1e-9) << "key " << k;
  }
}

TEST_P(Aggregation, GroupBySumOfDoubles) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 4000)
                 .group_by_sum([](const int& x) { return x % 2 == 0; }, [](const int& x) { return x * 0.5; })
                 .collect_vec();
  ctx.execute_blocking();
  double even = 0, odd = 0;
  for (int x = 0; x < 4000; ++x) (x % 2 == 0 ? even : odd) += x * 0.5;
  std::map<bool, double> got;
  for (auto& [k, s] : take(out)) got[k] = s;
  ASSERT_EQ(got.size(), 2u);
  EXPECT_DOUBLE_EQ(got[true], even);  // halves of integers: exact in any order
  EXPECT_DOUBLE_EQ(got[false], odd);
}

// Items are (key, value, id) with distinct values, so the extreme item of each key is unique.
TEST_P(Aggregation, GroupByMinMaxElement) {
  auto ctx = context();
  using Item = std::tuple<int, int, int>;
  std::vector<Item> items;
  for (int i = 0; i < 6000; ++i) items.emplace_back(i % 19, (i * 7919) % 100003, i);
  auto key = [](const Item& it) { return std::get<0>(it); };
  auto value = [](const Item& it) { return std::get<1>(it); };
  auto min = ctx.stream_iter(items).shuffle().group_by_min_element(key, value).collect_vec();
  auto max = ctx.stream_iter(items).shuffle().group_by_max_element(key, value).collect_vec();
  ctx.execute_blocking();
  std::map<int, Item> expected_min, expected_max;
  for (auto& it : items) {
    auto [a, fa] = expected_min.emplace(key(it), it);
    if (!fa && value(it) < value(a->second)) a->second = it;
    auto [b, fb] = expected_max.emplace(key(it), it);
    if (!fb && value(it) > value(b->second)) b->second = it;
  }
  auto mins = take(min);
  auto maxs = take(max);
  EXPECT_EQ(mins.size(), expected_min.size());
  EXPECT_EQ(maxs.size(), expected_max.size());
  EXPECT_EQ(to_map(mins), expected_min);
  EXPECT_EQ(to_map(maxs), expected_max);
}

TEST_P(Aggregation, UniqueAssoc) {
  auto ctx = context();
  auto ints = ctx.stream_par_iter(0, kN).map([](int x) { return (x * 31) % 1013; }).unique_assoc().collect_vec();
  std::vector<std::string> words;
  for (int i = 0; i < 2000; ++i) words.push_back(std::to_string(i % 77) + "x");
  auto strs = ctx.stream_iter(words).unique_assoc().collect_vec();
  ctx.execute_blocking();
  std::set<int> expected_ints;
  for (int x = 0; x < kN; ++x) expected_ints.insert((x * 31) % 1013);
  EXPECT_EQ(sorted(take(ints)), std::vector<int>(expected_ints.begin(), expected_ints.end()));
  std::set<std::string> expected_strs(words.begin(), words.end());
  EXPECT_EQ(sorted(take(strs)), std::vector<std::string>(expected_strs.begin(), expected_strs.end()));
}

TEST_P(Aggregation, Sorted) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, kN).map([](int x) { return (x * 7919) % 10007 - 5000; }).sorted().collect_vec();
  ctx.execute_blocking();
  std::vector<int> expected;
  for (int x = 0; x < kN; ++x) expected.push_back((x * 7919) % 10007 - 5000);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(take(out), expected);
}

TEST_P(Aggregation, SortedBy) {
  auto ctx = context();
  auto desc = ctx.stream_par_iter(0, 5000).sorted_by(std::greater<int>{}).collect_vec();
  // Sorting pairs by their first element only: the firsts come out in order, nothing is lost.
  auto by_first = ctx.stream_par_iter(0, 5000)
                      .map([](int x) { return std::pair<int, int>(x % 10, x); })
                      .sorted_by([](const auto& a, const auto& b) { return a.first < b.first; })
                      .collect_vec();
  ctx.execute_blocking();
  std::vector<int> expected = iota(5000);
  std::reverse(expected.begin(), expected.end());
  EXPECT_EQ(take(desc), expected);
  auto pairs = take(by_first);
  ASSERT_EQ(pairs.size(), 5000u);
  for (std::size_t i = 1; i < pairs.size(); ++i) ASSERT_LE(pairs[i - 1].first, pairs[i].first) << "at " << i;
  std::vector<std::pair<int, int>> expected_pairs;
  for (int x = 0; x < 5000; ++x) expected_pairs.emplace_back(x % 10, x);
  EXPECT_EQ(sorted(pairs), sorted(expected_pairs));
}

TEST_P(Aggregation, Limit) {
  for (std::size_t lim : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{4999}, std::size_t{5000}, std::size_t{9000}}) {
    auto ctx = context();
    auto out = ctx.stream_par_iter(0, 5000).limit(lim).collect_vec();
    ctx.execute_blocking();
    auto got = sorted(take(out));
    EXPECT_EQ(got.size(), std::min<std::size_t>(lim, 5000)) << "limit " << lim;
    EXPECT_TRUE(std::adjacent_find(got.begin(), got.end()) == got.end()) << "duplicates with limit " << lim;
    for (int x : got) EXPECT_TRUE(x >= 0 && x < 5000);
  }
}

// limit after sorted keeps the n smallest.
TEST_P(Aggregation, SortedThenLimit) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 3000).map([](int x) { return (x * 37) % 3001; }).sorted().limit(10).collect_vec();
  ctx.execute_blocking();
  std::vector<int> all;
  for (int x = 0; x < 3000; ++x) all.push_back((x * 37) % 3001);
  std::sort(all.begin(), all.end());
  all.resize(10);
  EXPECT_EQ(take(out), all);
}

}  // namespace
}  // namespace renoir::test

namespace renoir::test {
namespace {

// A key returned as std::string_view (a view into the item) is stored as std::string: the
// counts survive the items, whose buffers are reused by the file source.
TEST_P(Aggregation, StringViewKeysAreStoredAsStrings) {
  TempDir dir;
  std::string text;
  std::map<std::string, std::size_t> expected;
  for (int i = 0; i < 5000; ++i) {
    std::string word = "w" + std::to_string((i * 7919) % 263) + std::string(static_cast<std::size_t>(i % 23), 'x');
    text += word + "\n";
    ++expected[word];
  }
  const std::string path = dir.write("words.txt", text);
  auto ctx = context();
  auto out = ctx.stream_file(path).group_by_count([](const std::string& line) { return std::string_view(line); }).collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(to_map(take(out)), expected);
}

}  // namespace
}  // namespace renoir::test
