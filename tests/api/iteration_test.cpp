// replay / iterate / iterate_delta: every verb at every topology against sequential loops,
// including zero rounds, a condition false at once, an empty input, and nested loops.
#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

RENOIR_PAR_SUITE(Iteration);

std::vector<int> range(int n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

/// Sequential replay: `rounds` rounds of state += sum(body(x)), while `more(state)`.
template <class Body, class More>
std::int64_t replay_model(const std::vector<int>& in, std::size_t rounds, std::int64_t state, Body body, More more) {
  for (std::size_t r = 0; r < rounds; ++r) {
    std::int64_t delta = 0;
    for (int x : in) delta += body(x, state);
    state += delta;
    if (!more(state)) break;
  }
  return state;
}

TEST_P(Iteration, ReplayAsRenoirsExample) {
  // Renoir's doc example: 3 rounds over {0, 1, 2} of +10, summed into the state: 99.
  StreamContext ctx(config());
  auto out = ctx.stream_iter(range(3))
                 .replay(
                     3, std::int64_t{0}, [](auto s) { return s.map([](int x) { return x + 10; }); },
                     [](std::int64_t& d, int x) { d += x; }, [](std::int64_t& s, std::int64_t d) { s += d; },
                     [](std::int64_t&) { return true; })
                 .collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(take(out), (std::vector<std::int64_t>{99}));
}

TEST_P(Iteration, ReplayBodyReadsTheState) {
  const auto in = range(500);
  const auto body = [](int x, std::int64_t s) { return static_cast<std::int64_t>(x % 7) + s % 13; };
  const auto more = [](std::int64_t s) { return s < 2'000'000; };
  for (std::size_t rounds : {0u, 1u, 2u, 7u, 40u}) {
    StreamContext ctx(config());
    auto out = ctx.stream_par_iter(in)
                   .replay(
                       rounds, std::int64_t{5},
                       [&](auto s, IterationState<std::int64_t> st) {
                         return s.map([st, body](int x) { return body(x, st.get()); });
                       },
                       [](std::int64_t& d, std::int64_t x) { d += x; }, [](std::int64_t& s, std::int64_t d) { s += d; },
                       [more](std::int64_t& s) { return more(s); })
                   .collect_vec();
    ctx.execute_blocking();
    EXPECT_EQ(take(out), (std::vector<std::int64_t>{replay_model(in, rounds, 5, body, more)})) << rounds << " rounds";
  }
}


/// (rounds the condition saw, sum of the deltas): the condition counts the rounds.
using Tally = std::pair<std::int64_t, std::int64_t>;
const auto add_delta = [](Tally& s, std::int64_t d) { s.second += d; };
const auto count_round = [](Tally& s) {
  ++s.first;
  return true;
};

TEST_P(Iteration, ReplayOfAnEmptyInputStillRunsItsRounds) {
  StreamContext ctx(config());
  auto out = ctx.stream_iter(std::vector<int>{})
                 .replay(6, Tally{0, 0}, [](std::int64_t& d, int x) { d += x; }, add_delta, count_round)
                 .collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(take(out), (std::vector<Tally>{{6, 0}}));
}

TEST_P(Iteration, ZeroRoundsGiveTheInitialStateAndTheInput) {
  StreamContext ctx(config());
  auto [state, items] = ctx.stream_par_iter(0, 100).iterate(
      0, Tally{7, 7}, [](auto s) { return s.map([](int x) { return x + 1; }); },
      [](std::int64_t& d, const int& x) { d += x; }, add_delta, count_round);
  auto st = state.collect_vec();
  auto it = items.collect_vec();
  auto replayed = ctx.stream_par_iter(0, 10)
                      .replay(0, Tally{1, 2}, [](std::int64_t& d, int x) { d += x; }, add_delta, count_round)
                      .collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(take(st), (std::vector<Tally>{{7, 7}}));
  EXPECT_EQ(sorted(take(it)), range(100));
  EXPECT_EQ(take(replayed), (std::vector<Tally>{{1, 2}}));
}

TEST_P(Iteration, ConditionFalseAtOnceStopsAfterOneRound) {
  StreamContext ctx(config());
  auto [state, items] = ctx.stream_par_iter(0, 50).iterate(
      100, std::int64_t{0}, [](auto s) { return s.map([](int x) { return x * 3; }); },
      [](std::int64_t& d, const int& x) { d += x; }, [](std::int64_t& s, std::int64_t d) { s += d; },
      [](std::int64_t&) { return false; });
  auto st = state.collect_vec();
  auto it = items.collect_vec();
  ctx.execute_blocking();
  std::vector<int> expect;
  for (int x : range(50)) expect.push_back(x * 3);
  EXPECT_EQ(take(st), (std::vector<std::int64_t>{3 * 49 * 50 / 2}));
  EXPECT_EQ(sorted(take(it)), expect);
}

/// One round of the grouping body below, sequentially: sums of the items by x % 4, plus one.
std::vector<std::int64_t> group_round(const std::vector<std::int64_t>& in) {
  std::map<std::int64_t, std::int64_t> sums;
  for (auto x : in) sums[x % 4] += x;
  std::vector<std::int64_t> out;
  for (auto& [k, v] : sums) out.push_back(v / 3 + k + 1);
  return sorted(out);
}

TEST_P(Iteration, IterateWithAnExchangeInTheBody) {
  std::vector<std::int64_t> in;
  std::mt19937_64 rng(11);
  for (int i = 0; i < 3000; ++i) in.push_back(static_cast<std::int64_t>(rng() % 100000));
  for (std::size_t rounds : {1u, 2u, 5u}) {
    std::vector<std::int64_t> expect = in;
    std::int64_t total = 0;
    for (std::size_t r = 0; r < rounds; ++r) {
      expect = group_round(expect);
      for (auto x : expect) total += x;
    }
    StreamContext ctx(config());
    auto [state, items] = ctx.stream_iter(in).shuffle().iterate(
        rounds, std::int64_t{0},
        [](auto s) {
          return s.group_by([](std::int64_t x) { return x % 4; })
              .reduce([](std::int64_t& a, std::int64_t b) { a += b; })
              .unkey()
              .map([](const std::pair<std::int64_t, std::int64_t>& kv) { return kv.second / 3 + kv.first + 1; });
        },
        [](std::int64_t& d, const std::int64_t& x) { d += x; }, [](std::int64_t& s, std::int64_t d) { s += d; },
        [](std::int64_t&) { return true; });
    auto st = state.collect_vec();
    auto it = items.collect_vec();
    ctx.execute_blocking();
    EXPECT_EQ(take(st), (std::vector<std::int64_t>{total})) << rounds << " rounds";
    EXPECT_EQ(sorted(take(it)), expect) << rounds << " rounds";
  }
}

TEST_P(Iteration, ManyItemsGoAroundThroughAShuffle) {
  // More items than the rings hold, around a cycle with an exchange: no deadlock, none lost.
  constexpr int kItems = 200'000;
  StreamContext ctx(config());
  auto [state, items] = ctx.stream_par_iter(0, kItems).iterate(
      5, std::int64_t{0}, [](auto s) { return s.shuffle().map([](int x) { return x + 1; }); },
      [](std::int64_t& d, const int&) { ++d; }, [](std::int64_t& s, std::int64_t d) { s += d; },
      [](std::int64_t&) { return true; });
  auto st = state.collect_vec();
  auto it = items.collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(take(st), (std::vector<std::int64_t>{5 * kItems}));
  std::vector<int> expect;
  for (int x = 0; x < kItems; ++x) expect.push_back(x + 5);
  EXPECT_EQ(sorted(take(it)), expect);
}

TEST_P(Iteration, IterateWithoutExchangeAndARoundLimit) {
  StreamContext ctx(config());
  auto [state, items] = ctx.stream_par_iter(0, 1000).iterate(
      30, Tally{0, 0}, [](auto s) { return s.filter([](int x) { return x % 3 != 0; }).map([](int x) { return x / 2; }); },
      [](std::int64_t& d, const int&) { ++d; }, add_delta,
      [](Tally& s) {  // (items of the last round, being summed): until at most 10 are left
        s.first = std::exchange(s.second, 0);
        return s.first > 10;
      });
  auto st = state.collect_vec();
  auto it = items.collect_vec();
  ctx.execute_blocking();
  std::vector<int> cur = range(1000);
  std::int64_t s = 0;
  for (int r = 0; r < 30; ++r) {
    std::vector<int> next;
    for (int x : cur)
      if (x % 3 != 0) next.push_back(x / 2);
    cur = next;
    s = static_cast<std::int64_t>(cur.size());
    if (!(s > 10)) break;
  }
  EXPECT_EQ(take(st), (std::vector<Tally>{{s, 0}}));
  EXPECT_EQ(sorted(take(it)), sorted(cur));
}

/// Connected components of a small graph, sequentially: (node, smallest node of its component).
std::vector<std::pair<int, int>> components(int nodes, const std::vector<std::pair<int, int>>& edges) {
  std::vector<int> label = range(nodes);
  for (bool changed = true; changed;) {
    changed = false;
    for (auto [u, v] : edges) {
      const int m = std::min(label[u], label[v]);
      if (label[u] != m || label[v] != m) changed = true;
      label[u] = label[v] = m;
    }
  }
  std::vector<std::pair<int, int>> out;
  for (int v = 0; v < nodes; ++v) out.emplace_back(v, label[v]);
  return out;
}

TEST_P(Iteration, IterateDeltaPropagatesMinimumLabels) {
  std::mt19937 rng(5);
  constexpr int kNodes = 400;
  std::vector<std::pair<int, int>> edges;
  for (int i = 0; i < 300; ++i) edges.emplace_back(static_cast<int>(rng() % kNodes), static_cast<int>(rng() % kNodes));
  std::map<int, std::vector<int>> adjacency;
  for (auto [u, v] : edges) {
    adjacency[u].push_back(v);
    adjacency[v].push_back(u);
  }
  using Label = std::pair<int, int>;  // (node, label)
  StreamContext ctx(config());
  auto out = ctx.stream_par_iter(0, kNodes)
                 .map([](int v) { return Label(v, v); })
                 .iterate_delta(
                     1000, [](const Label& l) { return l.first; },
                     [](Label& current, Label candidate) {
                       if (candidate.second >= current.second) return false;
                       current = candidate;
                       return true;
                     },
                     [adjacency](auto changed) {
                       return changed.flat_map([adjacency](const Label& l) {
                         std::vector<Label> out;
                         if (auto it = adjacency.find(l.first); it != adjacency.end())
                           for (int w : it->second) out.emplace_back(w, l.second);
                         return out;
                       });
                     })
                 .collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(out)), components(kNodes, edges));
}

TEST_P(Iteration, IterateDeltaWithZeroRoundsFoldsDuplicateKeys) {
  using KV = std::pair<int, int>;
  StreamContext ctx(config());
  auto out = ctx.stream_iter(std::vector<KV>{{1, 5}, {2, 9}, {1, 3}, {3, 1}, {2, 10}})
                 .iterate_delta(
                     0, [](const KV& kv) { return kv.first; },
                     [](KV& cur, KV cand) {
                       if (cand.second >= cur.second) return false;
                       cur = cand;
                       return true;
                     },
                     [](auto s) { return s; })
                 .collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(out)), (std::vector<KV>{{1, 3}, {2, 9}, {3, 1}}));
}

TEST_P(Iteration, NestedReplayRunsOncePerOuterRound) {
  // Outer: 3 rounds; each round's body is an inner replay of 2 rounds of sum(x + 1 + outer state).
  const auto in = range(20);
  StreamContext ctx(config());
  auto out = ctx.stream_par_iter(0, 20)
                 .replay(
                     3, std::int64_t{0},
                     [](auto s, IterationState<std::int64_t> outer) {
                       return s.map([outer](int x) { return std::int64_t{x} + 1 + outer.get(); })
                           .replay(
                               2, std::int64_t{0}, [](std::int64_t& d, std::int64_t x) { d += x; },
                               [](std::int64_t& s2, std::int64_t d) { s2 += d; }, [](std::int64_t&) { return true; });
                     },
                     [](std::int64_t& d, std::int64_t x) { d += x; }, [](std::int64_t& s, std::int64_t d) { s += d; },
                     [](std::int64_t&) { return true; })
                 .collect_vec();
  ctx.execute_blocking();
  std::int64_t outer = 0;
  for (int r = 0; r < 3; ++r) {
    std::int64_t inner = 0;
    for (int k = 0; k < 2; ++k)
      for (int x : in) inner += x + 1 + outer;
    outer += inner;
  }
  EXPECT_EQ(take(out), (std::vector<std::int64_t>{outer}));
}

TEST_P(Iteration, NestedIterateInsideIterate) {
  StreamContext ctx(config());
  auto [state, items] = ctx.stream_par_iter(0, 300).iterate(
      2, std::int64_t{0},
      [](auto s) {
        auto [inner_state, inner_items] = s.iterate(
            3, 0, [](auto t) { return t.map([](int x) { return x + 1; }); }, [](int&, const int&) {},
            [](int&, int) {}, [](int&) { return true; });
        return inner_items.map([](int x) { return x * 2; });
      },
      [](std::int64_t& d, const int& x) { d += x; }, [](std::int64_t& s, std::int64_t d) { s += d; },
      [](std::int64_t&) { return true; });
  auto st = state.collect_vec();
  auto it = items.collect_vec();
  ctx.execute_blocking();
  std::vector<int> cur = range(300);
  std::int64_t total = 0;
  for (int r = 0; r < 2; ++r) {
    for (int& x : cur) x = (x + 3) * 2;
    for (int x : cur) total += x;
  }
  EXPECT_EQ(take(st), (std::vector<std::int64_t>{total}));
  EXPECT_EQ(sorted(take(it)), sorted(cur));
}

/// Each round: x -> x + state % 7, split, join (x % 5 == y % 5) with the even ones, fold the pairs.
template <JoinLocal local>
std::int64_t replay_with_join(RuntimeConfig config) {
  StreamContext ctx(std::move(config));
  auto out = ctx.stream_par_iter(0, 60)
                 .replay(
                     4, std::int64_t{1},
                     [](auto s, IterationState<std::int64_t> st) {
                       auto parts = s.map([st](int x) { return static_cast<std::int64_t>(x) + st.get() % 7; }).split(2);
                       auto evens = parts[1].filter([](std::int64_t x) { return x % 2 == 0; });
                       auto builder = parts[0].join_with(evens, [](std::int64_t x) { return x % 5; },
                                                         [](std::int64_t y) { return y % 5; });
                       auto joined = [&] {
                         if constexpr (local == JoinLocal::hash)
                           return builder.local_hash().inner();
                         else
                           return builder.local_sort_merge().inner();
                       }();
                       return joined.unkey().map([](auto kv) { return kv.second.first * 3 + kv.second.second; });
                     },
                     [](std::int64_t& d, std::int64_t x) { d += x; }, [](std::int64_t& s, std::int64_t d) { s += d; },
                     [](std::int64_t&) { return true; })
                 .collect_vec();
  ctx.execute_blocking();
  auto v = take(out);
  return v.size() == 1 ? v[0] : -1;
}

TEST_P(Iteration, JoinsInsideTheBodyJoinEachRoundOnItsOwn) {
  std::int64_t state = 1;
  for (int r = 0; r < 4; ++r) {
    std::vector<std::int64_t> xs;
    for (int x : range(60)) xs.push_back(x + state % 7);
    std::int64_t delta = 0;
    for (auto a : xs)
      for (auto b : xs)
        if (b % 2 == 0 && a % 5 == b % 5) delta += a * 3 + b;
    state += delta;
  }
  EXPECT_EQ(replay_with_join<JoinLocal::hash>(config()), state);
  EXPECT_EQ(replay_with_join<JoinLocal::sort_merge>(config()), state);
}

TEST_P(Iteration, SortMergeJoinInsideIterate) {
  // Each round joins the items with themselves by x % 3 and keeps the smaller side's value + 1.
  StreamContext ctx(config());
  auto [state, items] = ctx.stream_par_iter(0, 40).iterate(
      3, std::int64_t{0},
      [](auto s) {
        auto parts = s.split(2);
        return parts[0]
            .join_with(parts[1], [](int x) { return x % 3; }, [](int y) { return y % 3; })
            .local_sort_merge()
            .inner()
            .unkey()
            .filter([](const auto& kv) { return kv.second.first < kv.second.second && kv.second.first % 4 == 0; })
            .map([](const auto& kv) { return (kv.second.first + kv.second.second) % 50; });
      },
      [](std::int64_t& d, const int&) { ++d; }, [](std::int64_t& s, std::int64_t d) { s += d; },
      [](std::int64_t&) { return true; });
  auto st = state.collect_vec();
  auto it = items.collect_vec();
  ctx.execute_blocking();
  std::vector<int> cur = range(40);
  std::int64_t total = 0;
  for (int r = 0; r < 3; ++r) {
    std::vector<int> next;
    for (int a : cur)
      for (int b : cur)
        if (a % 3 == b % 3 && a < b && a % 4 == 0) next.push_back((a + b) % 50);
    cur = next;
    total += static_cast<std::int64_t>(cur.size());
  }
  EXPECT_EQ(take(st), (std::vector<std::int64_t>{total}));
  EXPECT_EQ(sorted(take(it)), sorted(cur));
}

TEST_P(Iteration, ZipInsideTheBodyPairsEachRoundOnItsOwn) {
  // Each round zips the items with their squares (one replica each side: ordered pairs).
  StreamContext ctx(config());
  auto out = ctx.stream_iter(range(30))
                 .replay(
                     3, std::int64_t{0},
                     [](auto s, IterationState<std::int64_t> st) {
                       auto parts = s.map([st](int x) { return std::int64_t{x} + st.get() % 3; }).split(2);
                       auto squares = parts[1].map([](std::int64_t x) { return x * x; });
                       return parts[0].zip(squares).map([](const auto& p) { return p.second - p.first; });
                     },
                     [](std::int64_t& d, std::int64_t x) { d += x; }, [](std::int64_t& s, std::int64_t d) { s += d; },
                     [](std::int64_t&) { return true; })
                 .collect_vec();
  ctx.execute_blocking();
  std::int64_t state = 0;
  for (int r = 0; r < 3; ++r) {
    std::int64_t delta = 0;
    for (int x : range(30)) {
      const std::int64_t y = x + state % 3;
      delta += y * y - y;
    }
    state += delta;
  }
  EXPECT_EQ(take(out), (std::vector<std::int64_t>{state}));
}

TEST_P(Iteration, StateOutsideTheFirstBlockIsAnError) {
  StreamContext ctx(config());
  auto out = ctx.stream_par_iter(0, 10)
                 .replay(
                     2, 0,
                     [](auto s, IterationState<int> st) { return s.shuffle().map([st](int x) { return x + st.get(); }); },
                     [](int& d, int x) { d += x; }, [](int& s, int d) { s += d; }, [](int&) { return true; })
                 .collect_vec();
  try {
    ctx.execute_blocking();
    FAIL() << "expected an error";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("outside the loop's first block"), std::string::npos) << e.what();
  }
}

using Centroids = std::vector<double>;
struct Partial {
  std::vector<double> sum = std::vector<double>(3, 0.0);
  std::vector<std::int64_t> n = std::vector<std::int64_t>(3, 0);
};
struct Acc {
  Centroids c;
  Partial p;
};
}  // namespace
}  // namespace renoir::test

template <>
struct renoir::transport::Serializer<renoir::test::Partial>
    : renoir::transport::Fields<&renoir::test::Partial::sum, &renoir::test::Partial::n> {};
template <>
struct renoir::transport::Serializer<renoir::test::Acc>
    : renoir::transport::Fields<&renoir::test::Acc::c, &renoir::test::Acc::p> {};

namespace renoir::test {
namespace {

TEST_P(Iteration, KMeansLikeReplayWithTheStateInTheLocalFold) {
  // Centroids on a line: assign each point to the nearest, move to the mean; 8 rounds.
  std::vector<double> points;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 2000; ++i) points.push_back(static_cast<double>(rng() % 10000) / 10.0);
  const auto nearest = [](const Centroids& c, double x) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < c.size(); ++i)
      if (std::abs(x - c[i]) < std::abs(x - c[best])) best = i;
    return best;
  };
  Centroids model(points.begin(), points.begin() + 3);
  for (int r = 0; r < 8; ++r) {
    Partial p;
    for (double x : points) {
      auto i = nearest(model, x);
      p.sum[i] += x;
      ++p.n[i];
    }
    for (std::size_t i = 0; i < 3; ++i)
      if (p.n[i]) model[i] = p.sum[i] / static_cast<double>(p.n[i]);
  }
  StreamContext ctx(config());
  auto out = ctx.stream_iter(points)
                 .shuffle()
                 .replay(
                     8, Acc{Centroids(points.begin(), points.begin() + 3), {}},
                     [nearest](Partial& p, double x, const Acc& s) {
                       auto i = nearest(s.c, x);
                       p.sum[i] += x;
                       ++p.n[i];
                     },
                     [](Acc& s, const Partial& d) {
                       for (std::size_t i = 0; i < 3; ++i) {
                         s.p.sum[i] += d.sum[i];
                         s.p.n[i] += d.n[i];
                       }
                     },
                     [](Acc& s) {
                       for (std::size_t i = 0; i < 3; ++i)
                         if (s.p.n[i]) s.c[i] = s.p.sum[i] / static_cast<double>(s.p.n[i]);
                       s.p = {};
                       return true;
                     })
                 .collect_vec();
  ctx.execute_blocking();
  auto got = take(out);
  ASSERT_EQ(got.size(), 1u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_NEAR(got[0].c[i], model[i], 1e-9 * std::abs(model[i]) + 1e-9);
}
}  // namespace
}  // namespace renoir::test
