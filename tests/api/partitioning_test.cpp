// Operators that move items between blocks (api/operators/group_by.hpp, shuffle.hpp, split.hpp,
// merge.hpp, zip.hpp, route.hpp) at parallelism 1, 2 and 4.
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

RENOIR_PAR_SUITE(Partitioning);

// group_by: every key lands on exactly one replica, and no item is lost or duplicated.
TEST_P(Partitioning, GroupBySendsEachKeyToOneReplica) {
  auto ctx = context();
  constexpr int N = 20000;
  auto out = ctx.stream_par_iter(0, N)
                 .group_by([](const int& x) { return x % 37; })
                 .map([](const int&, int x) { return std::pair<std::size_t, int>(this_replica()->index, x); })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<std::pair<int, std::pair<std::size_t, int>>> rows = take(out);
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(N));
  std::map<int, std::set<std::size_t>> replicas_of_key;
  std::vector<int> items;
  for (auto& [key, rest] : rows) {
    EXPECT_EQ(key, rest.second % 37);
    EXPECT_LT(rest.first, n());
    replicas_of_key[key].insert(rest.first);
    items.push_back(rest.second);
  }
  EXPECT_EQ(replicas_of_key.size(), 37u);
  for (auto& [key, replicas] : replicas_of_key) EXPECT_EQ(replicas.size(), 1u) << "key " << key;
  EXPECT_EQ(sorted(items), iota(N));
}

TEST_P(Partitioning, GroupByStringKeys) {
  auto ctx = context();
  std::vector<std::string> words;
  for (int i = 0; i < 4000; ++i) words.push_back(std::string("w").append(std::to_string(i % 101)));
  auto out = ctx.stream_iter(words)
                 .group_by([](const std::string& w) { return w; })
                 .map([](const std::string&, std::string w) { return std::pair<std::string, std::size_t>(w, this_replica()->index); })
                 .drop_key()
                 .collect_vec();
  ctx.execute_blocking();
  std::map<std::string, std::set<std::size_t>> where;
  std::map<std::string, std::size_t> counts;
  for (auto& [w, replica] : take(out)) {
    where[w].insert(replica);
    ++counts[w];
  }
  EXPECT_EQ(counts, multiset(words));
  for (auto& [w, replicas] : where) EXPECT_EQ(replicas.size(), 1u) << w;
}

// key_by pairs items with their key without moving them: the item stays on its source replica.
TEST_P(Partitioning, KeyByKeepsItemsInPlace) {
  auto ctx = context();
  constexpr int N = 8000;
  auto out = ctx.stream_par_iter(0, N)
                 .key_by([](const int& x) { return x % 10; })
                 .map([](const int& k, int x) { return std::tuple<int, int, std::size_t>(k, x, this_replica()->index); })
                 .drop_key()
                 .collect_vec();
  ctx.execute_blocking();
  auto rows = take(out);
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(N));
  for (auto& [k, x, replica] : rows) {
    EXPECT_EQ(k, x % 10);
    auto [from, to] = share(0, N, replica, n());
    EXPECT_TRUE(x >= from && x < to) << x << " on replica " << replica;
  }
}

// shuffle from a one-replica source: round robin, so the replicas get counts within one.
TEST_P(Partitioning, ShuffleSpreadsEvenly) {
  auto ctx = context();
  constexpr int N = 10001;
  auto out = ctx.stream_iter(iota(N))
                 .shuffle()
                 .map([](int x) { return std::pair<std::size_t, int>(this_replica()->index, x); })
                 .collect_vec();
  ctx.execute_blocking();
  std::map<std::size_t, std::size_t> per_replica;
  std::vector<int> items;
  for (auto& [replica, x] : take(out)) {
    ++per_replica[replica];
    items.push_back(x);
  }
  EXPECT_EQ(sorted(items), iota(N));
  EXPECT_EQ(per_replica.size(), n());
  for (auto& [replica, count] : per_replica) {
    EXPECT_LT(replica, n());
    EXPECT_GE(count, N / n());
    EXPECT_LE(count, N / n() + 1);
  }
}

// broadcast: every replica of the next block sees every item.
TEST_P(Partitioning, BroadcastReachesEveryReplica) {
  auto ctx = context();
  std::vector<int> input = iota(2500, 7);
  auto out = ctx.stream_iter(input)
                 .broadcast()
                 .map([](int x) {
                   const ReplicaInfo* r = this_replica();
                   return std::tuple<std::size_t, std::size_t, int>(r->index, r->replicas, x);
                 })
                 .collect_vec();
  ctx.execute_blocking();
  std::map<std::size_t, std::vector<int>> seen;
  for (auto& [replica, replicas, x] : take(out)) {
    EXPECT_EQ(replicas, n());
    seen[replica].push_back(x);
  }
  ASSERT_EQ(seen.size(), n());
  for (std::size_t i = 0; i < n(); ++i) EXPECT_EQ(sorted(seen[i]), input) << "replica " << i;
}

TEST_P(Partitioning, BroadcastFromParallelSource) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 3000).broadcast().map([](int x) { return std::pair<std::size_t, int>(this_replica()->index, x); }).collect_vec();
  ctx.execute_blocking();
  std::map<std::size_t, std::vector<int>> seen;
  for (auto& [replica, x] : take(out)) seen[replica].push_back(x);
  ASSERT_EQ(seen.size(), n());
  for (auto& [replica, xs] : seen) EXPECT_EQ(sorted(xs), iota(3000)) << "replica " << replica;
}

TEST_P(Partitioning, RepartitionByLimited) {
  auto ctx = context();
  constexpr int N = 6000;
  auto out = ctx.stream_par_iter(0, N)
                 .repartition_by(Replication::limited(2), [](const int& x) { return x % 13; })
                 .map([](int x) {
                   const ReplicaInfo* r = this_replica();
                   return std::tuple<int, std::size_t, std::size_t>(x, r->index, r->replicas);
                 })
                 .collect_vec();
  ctx.execute_blocking();
  const std::size_t expected_replicas = std::min<std::size_t>(2, n());
  std::map<int, std::set<std::size_t>> where;
  std::vector<int> items;
  for (auto& [x, replica, replicas] : take(out)) {
    EXPECT_EQ(replicas, expected_replicas);
    EXPECT_LT(replica, expected_replicas);
    where[x % 13].insert(replica);
    items.push_back(x);
  }
  EXPECT_EQ(sorted(items), iota(N));
  for (auto& [key, replicas] : where) EXPECT_EQ(replicas.size(), 1u) << "key " << key;
}

TEST_P(Partitioning, RepartitionByUnlimited) {
  auto ctx = context();
  auto out = ctx.stream_iter(iota(3000))
                 .repartition_by(Replication::unlimited(), [](const int& x) { return x / 100; })
                 .map([](int x) { return std::pair<int, std::size_t>(x / 100, this_replica()->index); })
                 .collect_vec();
  ctx.execute_blocking();
  std::map<int, std::set<std::size_t>> where;
  std::size_t count = 0;
  for (auto& [key, replica] : take(out)) {
    EXPECT_LT(replica, n());
    where[key].insert(replica);
    ++count;
  }
  EXPECT_EQ(count, 3000u);
  EXPECT_EQ(where.size(), 30u);
  for (auto& [key, replicas] : where) EXPECT_EQ(replicas.size(), 1u);
}

TEST_P(Partitioning, ReplicationOne) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 5000)
                 .replication(Replication::one())
                 .map([](int x) {
                   const ReplicaInfo* r = this_replica();
                   return std::tuple<int, std::size_t, std::size_t>(x, r->index, r->replicas);
                 })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<int> items;
  for (auto& [x, replica, replicas] : take(out)) {
    EXPECT_EQ(replica, 0u);
    EXPECT_EQ(replicas, 1u);
    items.push_back(x);
  }
  EXPECT_EQ(sorted(items), iota(5000));
}

TEST_P(Partitioning, ReplicationLimitedTwo) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 5000)
                 .replication(Replication::limited(2))
                 .map([](int x) { return std::tuple<int, std::size_t, std::size_t>(x, this_replica()->index, this_replica()->replicas); })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<int> items;
  std::set<std::size_t> used;
  for (auto& [x, replica, replicas] : take(out)) {
    EXPECT_EQ(replicas, std::min<std::size_t>(2, n()));
    EXPECT_LT(replica, replicas);
    used.insert(replica);
    items.push_back(x);
  }
  EXPECT_EQ(used.size(), std::min<std::size_t>(2, n()));
  EXPECT_EQ(sorted(items), iota(5000));
}

// Renoir's max_parallelism(n) is replication(limited(n)); 0 is refused before the job runs.
TEST_P(Partitioning, MaxParallelismLimitsTheNextBlock) {
  for (std::size_t limit : {1u, 3u}) {
    auto ctx = context();
    auto out = ctx.stream_par_iter(0, 3000)
                   .max_parallelism(limit)
                   .map([](int x) { return std::pair<int, std::size_t>(x, this_replica()->replicas); })
                   .collect_vec();
    ctx.execute_blocking();
    std::vector<int> items;
    for (auto& [x, replicas] : take(out)) {
      EXPECT_EQ(replicas, std::min(limit, n()));
      items.push_back(x);
    }
    EXPECT_EQ(sorted(items), iota(3000));
  }
  auto ctx = context();
  EXPECT_THROW(ctx.stream_par_iter(0, 3).max_parallelism(0), std::invalid_argument);
}

// split(n): every stream receives every item.
TEST_P(Partitioning, SplitCopiesToEveryStream) {
  auto ctx = context();
  constexpr int N = 7000;
  auto parts = ctx.stream_par_iter(0, N).split(3);
  ASSERT_EQ(parts.size(), 3u);
  auto doubled = parts[0].map([](int x) { return 2 * x; }).collect_vec();
  auto odd = parts[1].filter([](const int& x) { return x % 2 == 1; }).collect_count();
  auto sum = parts[2].map([](int x) { return static_cast<long long>(x); }).reduce_assoc([](long long a, long long b) { return a + b; }).collect_vec();
  ctx.execute_blocking();
  std::vector<int> expected_doubled;
  std::size_t expected_odd = 0;
  long long expected_sum = 0;
  for (int x = 0; x < N; ++x) {
    expected_doubled.push_back(2 * x);
    expected_odd += x % 2;
    expected_sum += x;
  }
  EXPECT_EQ(sorted(take(doubled)), expected_doubled);
  EXPECT_EQ(take(odd), expected_odd);
  EXPECT_EQ(take(sum), std::vector<long long>{expected_sum});
}

TEST_P(Partitioning, SplitAfterShuffleThenMerge) {
  auto ctx = context();
  auto parts = ctx.stream_iter(iota(3000)).shuffle().split(2);
  auto a = parts[0].map([](int x) { return x * 10; });
  auto b = parts[1].map([](int x) { return x * 10 + 1; });
  auto out = a.merge(b).collect_vec();
  ctx.execute_blocking();
  std::vector<int> expected;
  for (int x = 0; x < 3000; ++x) {
    expected.push_back(x * 10);
    expected.push_back(x * 10 + 1);
  }
  EXPECT_EQ(sorted(take(out)), sorted(expected));
}

TEST_P(Partitioning, MergeDifferentSources) {
  auto ctx = context();
  std::vector<int> small{-5, -4, -3, 100000};
  auto a = ctx.stream_par_iter(0, 9000);
  auto b = ctx.stream_iter(small);
  auto out = a.merge(b).collect_vec();
  ctx.execute_blocking();
  std::vector<int> expected = iota(9000);
  expected.insert(expected.end(), small.begin(), small.end());
  EXPECT_EQ(sorted(take(out)), sorted(expected));
}

TEST_P(Partitioning, MergeWithEmptyStream) {
  auto ctx = context();
  auto a = ctx.stream_iter(std::vector<int>{});
  auto b = ctx.stream_par_iter(10, 20);
  auto out = a.merge(b).collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(out)), iota(10, 10));
}

// zip of two one-replica sources pairs the items in order.
TEST_P(Partitioning, ZipPairsInOrder) {
  auto ctx = context();
  std::vector<int> left = iota(5000);
  std::vector<std::string> right;
  for (int i = 0; i < 5000; ++i) right.push_back(std::string("r").append(std::to_string(i * 3)));
  auto out = ctx.stream_iter(left).zip(ctx.stream_iter(right)).collect_vec();
  ctx.execute_blocking();
  std::vector<std::pair<int, std::string>> expected;
  for (std::size_t i = 0; i < left.size(); ++i) expected.emplace_back(left[i], right[i]);
  EXPECT_EQ(take(out), expected);
}

TEST_P(Partitioning, ZipStopsAtTheShorterSide) {
  for (auto [ln, rn] : {std::pair{3000, 10}, std::pair{10, 3000}, std::pair{0, 50}, std::pair{50, 0}}) {
    auto ctx = context();
    std::vector<int> left = iota(ln);
    std::vector<long long> right;
    for (int i = 0; i < rn; ++i) right.push_back(1000000LL + i);
    auto out = ctx.stream_iter(left).zip(ctx.stream_iter(right)).collect_vec();
    ctx.execute_blocking();
    std::vector<std::pair<int, long long>> expected;
    for (int i = 0; i < std::min(ln, rn); ++i) expected.emplace_back(left[static_cast<std::size_t>(i)], right[static_cast<std::size_t>(i)]);
    EXPECT_EQ(take(out), expected) << ln << " vs " << rn;
  }
}

TEST_P(Partitioning, ZipThenMap) {
  auto ctx = context();
  auto out = ctx.stream_iter(iota(2000))
                 .zip(ctx.stream_iter(iota(2000, 5)))
                 .map([](std::pair<int, int> p) { return p.first * p.second; })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<int> expected;
  for (int i = 0; i < 2000; ++i) expected.push_back(i * (i + 5));
  EXPECT_EQ(sorted(take(out)), expected);
}

// route: each item goes to the first route whose predicate holds; others are dropped.
TEST_P(Partitioning, RouteFirstMatchWins) {
  auto ctx = context();
  constexpr int N = 12000;
  auto routes = ctx.stream_par_iter(0, N)
                    .route()
                    .add_route([](const int& x) { return x % 2 == 0; })
                    .add_route([](const int& x) { return x % 3 == 0; })
                    .add_route([](const int& x) { return x % 5 == 0; })
                    .build();
  static_assert(std::tuple_size_v<decltype(routes)> == 3);
  auto r0 = routes[0].collect_vec();
  auto r1 = routes[1].map([](int x) { return -x; }).collect_vec();
  auto r2 = routes[2].collect_vec();
  ctx.execute_blocking();
  std::vector<int> e0, e1, e2;
  for (int x = 0; x < N; ++x) {
    if (x % 2 == 0)
      e0.push_back(x);
    else if (x % 3 == 0)
      e1.push_back(-x);
    else if (x % 5 == 0)
      e2.push_back(x);
  }
  EXPECT_EQ(sorted(take(r0)), sorted(e0));
  EXPECT_EQ(sorted(take(r1)), sorted(e1));
  EXPECT_EQ(sorted(take(r2)), sorted(e2));
}

TEST_P(Partitioning, RouteSingleRouteAfterShuffle) {
  auto ctx = context();
  auto routes = ctx.stream_iter(iota(1000)).shuffle().route().add_route([](const int& x) { return x >= 500; }).build();
  auto out = routes[0].collect_count();
  ctx.execute_blocking();
  EXPECT_EQ(take(out), 500u);
}

// A pipeline crossing several exchanges keeps every item.
TEST_P(Partitioning, ChainOfExchanges) {
  auto ctx = context();
  constexpr int N = 15000;
  auto out = ctx.stream_par_iter(0, N)
                 .shuffle()
                 .map([](int x) { return x + 1; })
                 .group_by([](const int& x) { return x % 17; })
                 .drop_key()
                 .replication(Replication::limited(3))
                 .repartition_by(Replication::unlimited(), [](const int& x) { return x; })
                 .collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(out)), iota(N, 1));
}

}  // namespace
}  // namespace renoir::test
