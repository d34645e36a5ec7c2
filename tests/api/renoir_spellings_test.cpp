// Renoir's spellings: stream_par_iter over a range, stream(source), parallelism(), host_id(),
// the KeyedStream verbs (flatten, inspect, rich_filter_map, rich_flat_map, merge, shuffle,
// unique_assoc_by_key), Stream::unique_assoc_by_key and map_memo / map_memo_by.
#include <atomic>
#include <map>
#include <optional>
#include <ranges>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

constexpr int kN = 9000;
constexpr int kKeys = 37;
int key_of(int x) { return (x * 7) % kKeys; }

RENOIR_PAR_SUITE(Spellings);

template <class S>
concept HasKeyType = requires { typename S::key_type; };

auto keyed_source(StreamContext& ctx) { return ctx.stream_par_iter(0, kN).group_by([](const int& x) { return key_of(x); }); }

std::map<int, std::vector<int>> values_per_key() {
  std::map<int, std::vector<int>> m;
  for (int x = 0; x < kN; ++x) m[key_of(x)].push_back(x);
  return m;
}

// ---- sources and config ----

TEST_P(Spellings, StreamParIterOverIotaSplitsIntoContiguousShares) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(std::views::iota(0, kN))
                 .map([](int x) { return std::pair<std::size_t, int>(core::this_replica()->index, x); })
                 .collect_vec();
  ctx.execute_blocking();
  std::map<std::size_t, std::vector<int>> per_replica;
  for (auto [r, x] : take(out)) per_replica[r].push_back(x);
  std::vector<int> all;
  for (std::size_t r = 0; r < n(); ++r) {
    auto [lo, hi] = share(0, kN, r, n());
    std::vector<int> got = sorted(per_replica[r]);
    EXPECT_EQ(got, iota(static_cast<int>(hi - lo), static_cast<int>(lo))) << "replica " << r;
    all.insert(all.end(), got.begin(), got.end());
  }
  EXPECT_EQ(sorted(all), iota(kN));
}

TEST_P(Spellings, StreamParIterOverAVectorAndATransformedView) {
  std::vector<std::string> words;
  for (int i = 0; i < 1000; ++i) words.push_back(cat("w", i));
  auto ctx = context();
  auto strings = ctx.stream_par_iter(words).collect_vec();
  auto squares = ctx.stream_par_iter(std::views::iota(0, 500) | std::views::transform([](int x) { return x * x; }))
                     .collect_vec();
  auto empty = ctx.stream_par_iter(std::views::iota(5, 5)).collect_count();
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(strings)), sorted(words));
  std::vector<int> sq;
  for (int x = 0; x < 500; ++x) sq.push_back(x * x);
  EXPECT_EQ(sorted(take(squares)), sq);
  EXPECT_EQ(take(empty), 0u);
}

TEST_P(Spellings, ParallelismCountsTheReplicasOfAnUnlimitedBlockOnEveryHost) {
  auto ctx = context();
  EXPECT_EQ(ctx.parallelism(), n());
  EXPECT_EQ(config().parallelism(), n());
  // The engine agrees: one item per replica of an unlimited block.
  auto out = ctx.stream_par_iter([](std::size_t i, std::size_t) { return std::vector<std::size_t>{i}; }).collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(take(out).size(), n());
}

TEST(SpellingsConfig, HostIdIsZeroForLocalAndSimulatedConfigs) {
  EXPECT_TRUE(RuntimeConfig::local(3).host_id() == 0);
  EXPECT_TRUE(RuntimeConfig::simulated({2, 1}).host_id() == 0);
  EXPECT_EQ(RuntimeConfig::local(3).parallelism(), 3u);
  EXPECT_EQ(RuntimeConfig::simulated({2, 1, 4}).parallelism(), 7u);
}

TEST(SpellingsConfig, RemoteLauncherHasNoHostIdAndSumsTheCores) {
  TempDir dir;
  const std::string path = dir.write("c.toml",
                                     "[[host]]\naddress = \"127.0.0.1\"\nbase_port = 9500\nnum_cores = 3\n"
                                     "[[host]]\naddress = \"127.0.0.2\"\nbase_port = 9500\nnum_cores = 5\n");
  auto config = RuntimeConfig::remote(path);
  EXPECT_FALSE(config.host_id().has_value());
  EXPECT_FALSE(config.host_id() == 0);
  EXPECT_EQ(config.parallelism(), 8u);
  EXPECT_EQ(StreamContext(config).parallelism(), 8u);
}

/// A user source: every replica produces the multiples of `step` in its share of [0, n).
struct Multiples {
  using value_type = long long;
  long long n, step;
  Replication replication() const { return Replication::unlimited(); }
  template <class Chain>
  void run(Chain& chain, const core::ReplicaContext& rc) const {
    auto [lo, hi] = share(0, n, rc.info.index, rc.info.replicas);
    for (long long x = lo; x < hi; ++x) {
      if (x % step == 0) chain.push(x);
      if ((x & 4095) == 0) rc.run->throw_if_cancelled();
    }
  }
};

/// A sequential user source of strings (one replica).
struct Greetings {
  using value_type = std::string;
  Replication replication() const { return Replication::one(); }
  template <class Chain>
  void run(Chain& chain, const core::ReplicaContext&) const {
    for (int i = 0; i < 50; ++i) chain.push(cat("hello ", i));
  }
};

static_assert(sources::UserSource<Multiples> && sources::UserSource<Greetings>);
static_assert(!sources::UserSource<int> && !sources::UserSource<std::vector<int>>);

TEST_P(Spellings, StreamFromAUserSource) {
  auto ctx = context();
  auto multiples = ctx.stream(Multiples{100000, 7}).collect_vec();
  auto replicas = ctx.stream(Greetings{}).map([](std::string s) { return core::this_replica()->replicas; }).collect_vec();
  auto greetings = ctx.stream(Greetings{}).collect_vec();
  ctx.execute_blocking();
  std::vector<long long> expected;
  for (long long x = 0; x < 100000; x += 7) expected.push_back(x);
  EXPECT_EQ(sorted(take(multiples)), expected);
  EXPECT_EQ(take(replicas), std::vector<std::size_t>(50, 1));
  std::vector<std::string> g;
  for (int i = 0; i < 50; ++i) g.push_back(cat("hello ", i));
  EXPECT_EQ(take(greetings), g);  // one replica: in order
}

// ---- KeyedStream verbs ----

TEST_P(Spellings, KeyedFlattenEmitsTheElementsOfEachValue) {
  auto ctx = context();
  auto out = keyed_source(ctx)
                 .map([](const int&, int v) { return std::vector<int>(static_cast<std::size_t>(v % 4), v); })
                 .flatten()
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<std::pair<int, int>> expected;
  for (int x = 0; x < kN; ++x)
    for (int i = 0; i < x % 4; ++i) expected.emplace_back(key_of(x), x);
  EXPECT_EQ(sorted(take(out)), sorted(expected));
}

TEST_P(Spellings, KeyedInspectSeesEveryPairUnchanged) {
  auto ctx = context();
  auto sum = std::make_shared<std::atomic<long long>>(0);
  auto pairs = std::make_shared<std::atomic<long long>>(0);
  auto out = keyed_source(ctx)
                 .inspect([sum](const int& k, const int& v) { *sum += 1000LL * k + v; })
                 .inspect([pairs](const std::pair<int, int>&) { ++*pairs; })
                 .collect_count();
  ctx.execute_blocking();
  long long expected = 0;
  for (int x = 0; x < kN; ++x) expected += 1000LL * key_of(x) + x;
  EXPECT_EQ(take(out), static_cast<std::size_t>(kN));
  EXPECT_EQ(sum->load(), expected);
  EXPECT_EQ(pairs->load(), kN);
}

TEST_P(Spellings, KeyedRichFilterMapKeepsStatePerKey) {
  // Every key's own counter keeps the 1st, 3rd, 5th... value the key sees: per key, exactly
  // ceil(count / 2) values, whatever the order (a shared counter would break the per-key count).
  auto ctx = context();
  auto out = keyed_source(ctx)
                 .rich_filter_map([seen = 0](const int&, int v) mutable -> std::optional<int> {
                   return seen++ % 2 == 0 ? std::optional<int>(v) : std::nullopt;
                 })
                 .collect_vec();
  ctx.execute_blocking();
  std::map<int, std::size_t> per_key;
  for (auto [k, v] : take(out)) {
    EXPECT_EQ(key_of(v), k);
    ++per_key[k];
  }
  for (auto& [k, values] : values_per_key()) EXPECT_EQ(per_key[k], (values.size() + 1) / 2) << "key " << k;
}

TEST_P(Spellings, KeyedRichFlatMapKeepsStatePerKey) {
  // Each key numbers its own values 0, 1, 2...: per key, exactly {0..count-1}.
  auto ctx = context();
  auto out = keyed_source(ctx)
                 .rich_flat_map([i = 0](std::pair<const int&, int&&>) mutable { return std::vector<int>{i++}; })
                 .collect_vec();
  ctx.execute_blocking();
  std::map<int, std::vector<int>> per_key;
  for (auto [k, i] : take(out)) per_key[k].push_back(i);
  for (auto& [k, values] : values_per_key())
    EXPECT_EQ(sorted(per_key[k]), iota(static_cast<int>(values.size()))) << "key " << k;
}

TEST_P(Spellings, KeyedMergeStaysPartitionedByKey) {
  auto ctx = context();
  auto left = keyed_source(ctx);
  // The right side keyed without a shuffle: its pairs start on arbitrary replicas.
  auto right = ctx.stream_iter(iota(500)).key_by([](const int& x) { return key_of(x); });
  // Per-replica counts of each key: a key split over two replicas would come out twice.
  auto out = left.merge(right)
                 .unkey()
                 .rich_map([counts = std::map<int, int>()](std::pair<int, int> kv) mutable {
                   return std::pair<int, std::size_t>(kv.first, core::this_replica()->index);
                 })
                 .collect_vec();
  ctx.execute_blocking();
  std::map<int, std::set<std::size_t>> replicas_of_key;
  std::map<int, std::size_t> count;
  for (auto [k, r] : take(out)) {
    replicas_of_key[k].insert(r);
    ++count[k];
  }
  auto per_key = values_per_key();
  for (int x = 0; x < 500; ++x) per_key[key_of(x)].push_back(x);
  for (auto& [k, values] : per_key) {
    EXPECT_EQ(count[k], values.size()) << "key " << k;
    EXPECT_EQ(replicas_of_key[k].size(), 1u) << "key " << k << " on several replicas";
  }
}

TEST_P(Spellings, KeyedShuffleGivesAPlainStreamOfThePairs) {
  auto ctx = context();
  auto shuffled = keyed_source(ctx).shuffle();
  static_assert(std::is_same_v<typename decltype(shuffled)::value_type, std::pair<int, int>>);
  static_assert(!HasKeyType<decltype(shuffled)>, "KeyedStream::shuffle returns a Stream");
  auto out = shuffled.collect_vec();
  ctx.execute_blocking();
  std::vector<std::pair<int, int>> expected;
  for (int x = 0; x < kN; ++x) expected.emplace_back(key_of(x), x);
  EXPECT_EQ(sorted(take(out)), sorted(expected));
}

TEST_P(Spellings, KeyedUniqueAssocByKeyKeepsOnePairPerKey) {
  auto ctx = context();
  // key_by: the pairs of a key start on several replicas.
  auto out = ctx.stream_par_iter(0, kN).key_by([](const int& x) { return key_of(x); }).unique_assoc_by_key().collect_vec();
  ctx.execute_blocking();
  auto m = to_map(take(out));  // fails on a key that comes twice
  EXPECT_EQ(m.size(), static_cast<std::size_t>(kKeys));
  for (auto [k, v] : m) EXPECT_EQ(key_of(v), k);
}

TEST_P(Spellings, StreamUniqueAssocByKeyKeepsOneItemPerKey) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, kN)
                 .map([](int x) { return cat("k", x % 101, "-", x); })
                 .unique_assoc_by_key([](const std::string& s) { return std::string_view(s).substr(0, s.find('-')); })
                 .collect_vec();
  ctx.execute_blocking();
  std::set<std::string> keys;
  for (const auto& s : take(out)) EXPECT_TRUE(keys.insert(s.substr(0, s.find('-'))).second) << s;
  EXPECT_EQ(keys.size(), 101u);
}

// ---- map_memo ----

TEST_P(Spellings, MapMemoGivesMapsResultsAndCallsOncePerKeyAndReplica) {
  auto ctx = context();
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto out = ctx.stream_par_iter(0, kN)
                 .map([](int x) { return x % 50; })
                 .map_memo([calls](int v) { ++*calls; return cat("sq", v * v); }, 1000)
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<std::string> expected;
  for (int x = 0; x < kN; ++x) expected.push_back(cat("sq", (x % 50) * (x % 50)));
  EXPECT_EQ(sorted(take(out)), sorted(expected));
  EXPECT_GE(calls->load(), 50);
  EXPECT_LE(calls->load(), 50 * static_cast<int>(n()));  // at most once per value on each replica
}

TEST_P(Spellings, MapMemoByUsesTheKeyAndStaysRightWithATinyCache) {
  auto ctx = context();
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto memo = ctx.stream_par_iter(0, kN)
                  .map_memo_by([calls](int x) { ++*calls; return (x % 30) * (x % 30); }, [](const int& x) { return x % 30; }, 3)
                  .collect_vec();
  ctx.execute_blocking();
  std::vector<int> expected;
  for (int x = 0; x < kN; ++x) expected.push_back((x % 30) * (x % 30));
  EXPECT_EQ(sorted(take(memo)), sorted(expected));
  EXPECT_GT(calls->load(), 30 * static_cast<int>(n()));  // 30 keys cycling through 3 slots: misses
}

TEST(SpellingsMapMemo, ZeroCapacityIsRefused) {
  StreamContext ctx(RuntimeConfig::local(1));
  EXPECT_THROW(ctx.stream_iter({1, 2}).map_memo([](int x) { return x; }, 0), std::invalid_argument);
}

TEST(SpellingsMapMemo, CacheStaysWithinCapacityAndKeepsRecentlyUsedKeys) {
  for (std::size_t capacity : {1u, 2u, 3u, 10u, 101u}) {
    ops::MemoCache<int, int> cache(capacity);
    int calls = 0;
    for (int i = 0; i < 5000; ++i) {
      const int key = i % 2 == 0 ? -1 : i;  // -1 is used every other step; the rest never again
      const int v = cache.get_or_insert(int(key), [&] { ++calls; return key * 3; });
      ASSERT_EQ(v, key * 3);
      ASSERT_LE(cache.size(), capacity) << "capacity " << capacity;
    }
    // Capacity >= 2: the hot key survives every rotation (1 call for it, 2500 for the others).
    if (capacity >= 2) EXPECT_EQ(calls, 2501) << "capacity " << capacity;
  }
}

}  // namespace
}  // namespace renoir::test
