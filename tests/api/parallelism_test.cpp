// Results that must not depend on the number of replicas: folds with a non-neutral init, every
// aggregation on inputs smaller than the replica count, zip, and merge/zip across replications.
#include <atomic>
#include <bit>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

RENOIR_PAR_SUITE(Parallelism);

/// Which replicas of the block it runs in saw an item (one bit per replica index): filled by
/// `inspect` in the same block as a fold, so it is counted apart from the engine's result.
struct SeenBy {
  std::shared_ptr<std::atomic<std::uint64_t>> bits = std::make_shared<std::atomic<std::uint64_t>>(0);
  template <class X>
  void operator()(const X&) const {
    bits->fetch_or(std::uint64_t{1} << this_replica()->index, std::memory_order_relaxed);
  }
  int replicas() const { return std::popcount(bits->load()); }
};

long long sum_of(const std::vector<int>& v) {
  long long s = 0;
  for (int x : v) s += x;
  return s;
}

/// How many -1 markers (copies of the init) an accumulator holds, and its other items.
std::pair<std::size_t, std::vector<int>> split_markers(const std::vector<int>& acc) {
  std::pair<std::size_t, std::vector<int>> out{0, {}};
  for (int x : acc) {
    if (x == -1)
      ++out.first;
    else
      out.second.push_back(x);
  }
  return out;
}

// ---- fold / fold_assoc ----

// The issue's example: init 10 is folded in once per replica that saw an item, plus once by the
// global fold (Renoir's value); a neutral init gives the plain sum at every parallelism.
TEST_P(Parallelism, FoldAssocInitOncePerNonEmptyReplicaPlusOnce) {
  for (const std::vector<int>& input : {std::vector<int>{1, 2, 3}, std::vector<int>{4}, iota(1000, -300)}) {
    auto ctx = context();
    SeenBy seen;
    auto parts = ctx.stream_iter(input).shuffle().inspect(seen).split(2);
    auto marked = parts[0].fold_assoc(10LL, [](long long& a, int x) { a += x; }, [](long long& a, long long b) { a += b; }).collect_vec();
    auto neutral = parts[1].fold_assoc(0LL, [](long long& a, int x) { a += x; }, [](long long& a, long long b) { a += b; }).collect_vec();
    ctx.execute_blocking();
    const int k = seen.replicas();
    EXPECT_GE(k, 1);
    EXPECT_LE(static_cast<std::size_t>(k), std::min(n(), input.size()));
    EXPECT_EQ(take(marked), std::vector<long long>{10 + sum_of(input) + 10LL * k}) << k << " non-empty replicas";
    EXPECT_EQ(take(neutral), std::vector<long long>{sum_of(input)});
  }
}

// A marker init makes every copy of it visible: 1 + (replicas that saw an item) markers, and
// besides them exactly the input (each item folded once, into one copy).
TEST_P(Parallelism, FoldAssocMarkerInitCountsCopies) {
  for (int size : {1, 2, 3, 7, 500}) {
    auto ctx = context();
    SeenBy seen;
    auto out = ctx.stream_par_iter(0, size)
                   .inspect(seen)
                   .fold_assoc(std::vector<int>{-1}, [](std::vector<int>& acc, int x) { acc.push_back(x); },
                               [](std::vector<int>& acc, const std::vector<int>& part) { acc.insert(acc.end(), part.begin(), part.end()); })
                   .collect_vec();
    ctx.execute_blocking();
    auto result = take(out);
    ASSERT_EQ(result.size(), 1u) << size;
    auto [markers, items] = split_markers(result[0]);
    EXPECT_EQ(markers, 1u + static_cast<std::size_t>(seen.replicas())) << size;
    EXPECT_EQ(static_cast<std::size_t>(seen.replicas()), std::min<std::size_t>(n(), static_cast<std::size_t>(size)));
    EXPECT_EQ(sorted(items), iota(size)) << size;
  }
}

// fold runs in one replica: a non-neutral init is folded in exactly once, whatever the input.
TEST_P(Parallelism, FoldNonNeutralInitOnce) {
  for (int size : {1, 2, 3, 100}) {
    auto ctx = context();
    auto spread = ctx.stream_iter(iota(size, 1)).shuffle().fold(1000LL, [](long long& a, int x) { a += x; }).collect_vec();
    auto text = ctx.stream_par_iter(0, size).map([](int x) { return 'a' + x % 26; }).fold(std::string("#"), [](std::string s, int c) {
      s.push_back(static_cast<char>(c));
      return s;
    }).collect_vec();
    ctx.execute_blocking();
    EXPECT_EQ(take(spread), std::vector<long long>{1000 + sum_of(iota(size, 1))});
    auto t = take(text);
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(std::count(t[0].begin(), t[0].end(), '#'), 1);
    EXPECT_EQ(t[0].size(), static_cast<std::size_t>(size) + 1);
  }
}

TEST_P(Parallelism, FoldOfEmptyStreamEmitsNothing) {
  auto ctx = context();
  auto parts = ctx.stream_par_iter(0, 0).split(2);
  auto fold = parts[0].fold(5, [](int& a, int x) { a += x; }).collect_vec();
  auto assoc = parts[1].shuffle().fold_assoc(5, [](int& a, int x) { a += x; }, [](int& a, int b) { a += b; }).collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(take(fold), std::vector<int>{});
  EXPECT_EQ(take(assoc), std::vector<int>{});
}

/// A chain end that records what reaches it (drives ops::Fold by hand: no source ends a round).
struct Record {
  std::vector<std::string>* log;
  void push(int x) { log->push_back(std::to_string(x)); }
  void flush() {}
  void watermark(core::Timestamp) {}
  void restart() { log->push_back("restart"); }
  void end() { log->push_back("end"); }
};

// At the end of an iteration round the same rule holds: a round without items emits nothing,
// and every round with items starts again from `init`.
TEST(ParallelismFold, RestartFollowsTheSameRule) {
  std::vector<std::string> log;
  auto add = [](int& a, int x) { a += x; };
  ops::Fold<int, decltype(add), Record> fold{{Record{&log}}, 100, add};
  fold.push(1);
  fold.push(2);
  fold.restart();
  fold.restart();  // an empty round
  fold.push(5);
  fold.end();
  EXPECT_EQ(log, (std::vector<std::string>{"103", "restart", "restart", "105", "end"}));
  std::vector<std::string> empty_log;
  ops::Fold<int, decltype(add), Record> idle{{Record{&empty_log}}, 100, add};
  idle.end();
  EXPECT_EQ(empty_log, std::vector<std::string>{"end"});
}

// ---- every aggregation on inputs smaller than the replica count ----

/// The three ways the tests spread a small input: one replica, round-robin over all replicas,
/// and contiguous shares of a parallel source (where most replicas may get nothing).
template <class Body>
void for_each_spread(const Topology& topology, const std::vector<int>& input, Body body) {
  {
    SCOPED_TRACE("stream_iter");
    StreamContext ctx(topology.config());
    auto check = body(ctx.stream_iter(input));
    ctx.execute_blocking();
    check();
  }
  {
    SCOPED_TRACE("stream_iter + shuffle");
    StreamContext ctx(topology.config());
    auto check = body(ctx.stream_iter(input).shuffle());
    ctx.execute_blocking();
    check();
  }
  {
    SCOPED_TRACE("stream_par_iter");
    StreamContext ctx(topology.config());
    auto check = body(ctx.stream_par_iter(0, static_cast<int>(input.size())).map([input](int i) { return input[static_cast<std::size_t>(i)]; }));
    ctx.execute_blocking();
    check();
  }
}

const std::vector<std::vector<int>> kSmallInputs = {{}, {7}, {7, 3}, {4, 4}, {5, 2, 5}};

int key3(const int& x) { return x % 3; }

TEST_P(Parallelism, PlainAggregationsOnSmallInputs) {
  for (const auto& input : kSmallInputs) {
    SCOPED_TRACE(cat("input of ", input.size()));
    for_each_spread(GetParam(), input, [&input](auto s) {
      auto p = s.split(9);
      auto reduce = p[0].reduce([](int a, int b) { return a + b; }).collect_vec();
      auto reduce_assoc = p[1].reduce_assoc([](int& a, int b) { a = std::max(a, b); }).collect_vec();
      auto unique = p[2].unique_assoc().collect_vec();
      auto sorted_out = p[3].sorted_by([](int a, int b) { return a > b; }).collect_vec();
      auto limit1 = p[4].limit(1).collect_vec();
      auto limit5 = p[5].limit(5).collect_vec();
      auto count = p[6].collect_count();
      auto vec = p[7].collect_vec();
      auto set = p[8].template collect<std::multiset<int>>();
      return [=]() mutable {
        std::vector<int> sum_e, max_e;
        if (!input.empty()) {
          sum_e.push_back(static_cast<int>(sum_of(input)));
          max_e.push_back(*std::max_element(input.begin(), input.end()));
        }
        EXPECT_EQ(take(reduce), sum_e);
        EXPECT_EQ(take(reduce_assoc), max_e);
        std::set<int> distinct(input.begin(), input.end());
        EXPECT_EQ(sorted(take(unique)), std::vector<int>(distinct.begin(), distinct.end()));
        std::vector<int> desc = sorted(input);
        std::reverse(desc.begin(), desc.end());
        EXPECT_EQ(take(sorted_out), desc);
        auto l1 = take(limit1);
        EXPECT_EQ(l1.size(), std::min<std::size_t>(1, input.size()));
        for (int x : l1) EXPECT_TRUE(std::find(input.begin(), input.end(), x) != input.end());
        EXPECT_EQ(sorted(take(limit5)), sorted(input));
        EXPECT_EQ(take(count), input.size());
        EXPECT_EQ(sorted(take(vec)), sorted(input));
        EXPECT_EQ(take(set), std::multiset<int>(input.begin(), input.end()));
      };
    });
  }
}

TEST_P(Parallelism, KeyedAggregationsOnSmallInputs) {
  for (const auto& input : kSmallInputs) {
    SCOPED_TRACE(cat("input of ", input.size()));
    for_each_spread(GetParam(), input, [&input](auto s) {
      auto p = s.split(9);
      auto value = [](const int& x) { return x; };
      auto fold = p[0].group_by_fold(key3, 0LL, [](long long& a, const int& x) { a += x; }, [](long long& a, long long b) { a += b; }).collect_vec();
      auto reduce = p[1].group_by_reduce(key3, [](int& a, int b) { a += b; }).collect_vec();
      auto sum = p[2].group_by_sum(key3, value).collect_vec();
      auto count = p[3].group_by_count(key3).collect_vec();
      auto avg = p[4].group_by_avg(key3, value).collect_vec();
      auto min = p[5].group_by_min_element(key3, [](const int& x) { return -x; }).collect_vec();
      auto max = p[6].group_by_max_element(key3, [](const int& x) { return -x; }).collect_vec();
      auto keyed_fold = p[7].group_by(key3).fold(100, [](int& a, int x) { a += x; }).collect_vec();
      auto keyed_reduce = p[8].group_by(key3).reduce([](int a, int b) { return a * 10 + b; }).collect_vec();
      return [=]() mutable {
        std::map<int, long long> sum_e;
        std::map<int, std::size_t> count_e;
        std::map<int, int> min_e, max_e, keyed_fold_e;
        std::map<int, std::multiset<int>> values;
        for (int x : input) {
          sum_e[key3(x)] += x;
          ++count_e[key3(x)];
          values[key3(x)].insert(x);
        }
        std::map<int, double> avg_e;
        for (auto& [k, vs] : values) {
          min_e[k] = *vs.rbegin();  // smallest -x
          max_e[k] = *vs.begin();
          keyed_fold_e[k] = 100 + static_cast<int>(sum_e[k]);
          avg_e[k] = static_cast<double>(sum_e[k]) / static_cast<double>(vs.size());
        }
        std::map<int, int> sum_int;
        for (auto& [k, v] : sum_e) sum_int[k] = static_cast<int>(v);
        EXPECT_EQ(to_map(take(fold)), sum_e);
        EXPECT_EQ(to_map(take(reduce)), sum_int);
        EXPECT_EQ(to_map(take(sum)), sum_int);
        EXPECT_EQ(to_map(take(count)), count_e);
        EXPECT_EQ(to_map(take(avg)), avg_e);
        EXPECT_EQ(to_map(take(min)), min_e);
        EXPECT_EQ(to_map(take(max)), max_e);
        EXPECT_EQ(to_map(take(keyed_fold)), keyed_fold_e);
        // a * 10 + b is not commutative: with two values per key the order is open; check the set.
        auto kr = to_map(take(keyed_reduce));
        EXPECT_EQ(kr.size(), values.size());
        for (auto& [k, vs] : values) {
          std::vector<int> order(vs.begin(), vs.end());
          std::set<int> allowed;
          do {
            int r = order[0];
            for (std::size_t i = 1; i < order.size(); ++i) r = r * 10 + order[i];
            allowed.insert(r);
          } while (std::next_permutation(order.begin(), order.end()));
          EXPECT_TRUE(allowed.count(kr[k])) << "key " << k << ": " << kr[k];
        }
      };
    });
  }
}

// group_by_fold follows Renoir too: per key, `init` once in every replica that saw the key and
// once in the global step (the marker init makes each copy visible).
TEST_P(Parallelism, GroupByFoldMarkerInitPerReplicaAndKey) {
  auto ctx = context();
  auto seen = std::make_shared<std::pair<std::mutex, std::set<std::pair<std::size_t, int>>>>();
  const std::vector<int> input = {0, 1, 3, 4, 6, 7, 9, 2};
  auto out = ctx.stream_iter(input)
                 .shuffle()
                 .inspect([seen](const int& x) {
                   std::lock_guard lock(seen->first);
                   seen->second.emplace(this_replica()->index, key3(x));
                 })
                 .group_by_fold(key3, std::vector<int>{-1}, [](std::vector<int>& a, const int& x) { a.push_back(x); },
                                [](std::vector<int>& a, const std::vector<int>& b) { a.insert(a.end(), b.begin(), b.end()); })
                 .collect_vec();
  ctx.execute_blocking();
  std::map<int, std::size_t> replicas_of_key;
  for (auto& [r, k] : seen->second) ++replicas_of_key[k];
  std::map<int, std::vector<int>> items_e;
  for (int x : input) items_e[key3(x)].push_back(x);
  auto result = to_map(take(out));
  ASSERT_EQ(result.size(), items_e.size());
  for (auto& [k, acc] : result) {
    auto [markers, items] = split_markers(acc);
    EXPECT_EQ(markers, 1 + replicas_of_key[k]) << "key " << k;
    EXPECT_EQ(sorted(items), sorted(items_e[k])) << "key " << k;
  }
}

// ---- zip ----

// The issue's example: 3 items on each side, spread unevenly: 3 pairs at every parallelism.
TEST_P(Parallelism, ZipOfUnevenReplicasIsExact) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 3).zip(ctx.stream_iter(std::vector<std::string>{"a", "b", "c"}).shuffle()).collect_vec();
  ctx.execute_blocking();
  auto pairs = take(out);
  ASSERT_EQ(pairs.size(), 3u);
  std::vector<int> left;
  std::vector<std::string> right;
  for (auto& [l, r] : pairs) {
    left.push_back(l);
    right.push_back(r);
  }
  EXPECT_EQ(sorted(left), iota(3));
  EXPECT_EQ(sorted(right), (std::vector<std::string>{"a", "b", "c"}));
}

// Ordered single-replica sides (a source, a fold, a sort) pair the i-th with the i-th, even when
// their inputs were spread over every replica.
TEST_P(Parallelism, ZipOfOrderedSidesPairsInOrder) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 500)
                 .shuffle()
                 .sorted()
                 .zip(ctx.stream_par_iter(0, 300).map([](int x) { return x * 2; }).sorted_by([](int a, int b) { return a > b; }))
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<std::pair<int, int>> expected;
  for (int i = 0; i < 300; ++i) expected.emplace_back(i, 2 * (299 - i));
  EXPECT_EQ(take(out), expected);
}

// ---- merge / zip across replications ----

struct NamedReplication {
  const char* name;
  Replication replication;
};

const std::vector<NamedReplication> kReplications = {
    {"one", Replication::one()},       {"limited(1)", Replication::limited(1)}, {"limited(2)", Replication::limited(2)},
    {"limited(3)", Replication::limited(3)}, {"host", Replication::host()},   {"unlimited", Replication::unlimited()}};

// Every pair of replications, with sizes from empty to larger than the replica count: merge is
// the union (nothing lost or duplicated), zip gives min(|left|, |right|) pairs of distinct items
// from their sides.
TEST_P(Parallelism, MergeAndZipAcrossReplications) {
  const std::vector<std::pair<int, int>> sizes = {{0, 3}, {1, 2}, {50, 37}, {2, 0}, {37, 50}, {3, 1}};
  std::size_t c = 0;
  for (const auto& a : kReplications) {
    for (const auto& b : kReplications) {
      const auto [ln, rn] = sizes[c++ % sizes.size()];
      SCOPED_TRACE(cat(a.name, " with ", b.name, ", ", ln, " and ", rn, " items"));
      auto ctx = context();
      auto left = ctx.stream_par_iter(0, ln).replication(a.replication).split(2);
      auto right = ctx.stream_par_iter(1000, 1000 + rn).replication(b.replication).split(2);
      auto merged = left[0].merge(right[0]).collect_vec();
      auto zipped = left[1].zip(right[1]).collect_vec();
      ctx.execute_blocking();
      std::vector<int> union_e = iota(ln);
      for (int x : iota(rn, 1000)) union_e.push_back(x);
      EXPECT_EQ(sorted(take(merged)), sorted(union_e));
      auto pairs = take(zipped);
      EXPECT_EQ(pairs.size(), static_cast<std::size_t>(std::min(ln, rn)));
      std::set<int> l, r;
      for (auto& [x, y] : pairs) {
        EXPECT_TRUE(x >= 0 && x < ln && l.insert(x).second) << x;
        EXPECT_TRUE(y >= 1000 && y < 1000 + rn && r.insert(y).second) << y;
      }
    }
  }
}

// A merge is a block of its own: its result feeds every other verb exactly.
TEST_P(Parallelism, MergeOfOneAndUnlimitedThenAggregate) {
  auto ctx = context();
  auto merged = ctx.stream_iter(std::vector<int>{5}).merge(ctx.stream_par_iter(0, 2)).split(2);
  auto count = merged[0].collect_count();
  auto total = merged[1].fold_assoc(0, [](int& a, int x) { a += x; }, [](int& a, int b) { a += b; }).collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(take(count), 3u);
  EXPECT_EQ(take(total), std::vector<int>{6});
}

}  // namespace
}  // namespace renoir::test
