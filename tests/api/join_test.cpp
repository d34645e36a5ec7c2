// join / left_join / outer_join / join_with builder: every ship strategy, local algorithm and
// variant against a nested-loop join, on edge cases and random inputs (seed printed).
#include <map>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

RENOIR_PAR_SUITE(Join);

using L = std::pair<int, int>;          // (key, payload)
using R = std::pair<int, std::string>;  // (key, payload)
/// One row of a join result, comparable: (key, left or -1, right or "-").
using Row = std::tuple<int, int, std::string>;

std::vector<Row> nested_loop(const std::vector<L>& ls, const std::vector<R>& rs, JoinVariant variant) {
  std::vector<Row> out;
  std::vector<bool> right_matched(rs.size(), false);
  for (const L& l : ls) {
    bool matched = false;
    for (std::size_t j = 0; j < rs.size(); ++j)
      if (l.first == rs[j].first) {
        out.emplace_back(l.first, l.second, rs[j].second);
        matched = true;
        right_matched[j] = true;
      }
    if (!matched && variant != JoinVariant::inner) out.emplace_back(l.first, l.second, "-");
  }
  if (variant == JoinVariant::outer)
    for (std::size_t j = 0; j < rs.size(); ++j)
      if (!right_matched[j]) out.emplace_back(rs[j].first, -1, rs[j].second);
  return sorted(out);
}

template <class V>
int left_of(const V& v) {
  if constexpr (requires { v.has_value(); })
    return v ? v->second : -1;
  else
    return v.second;
}
template <class V>
std::string right_of(const V& v) {
  if constexpr (requires { v.has_value(); })
    return v ? v->second : std::string("-");
  else
    return v.second;
}

/// Rows of a join result; checks that the key matches the sides it came with.
template <class Pairs>
std::vector<Row> rows(const Pairs& pairs) {
  std::vector<Row> out;
  for (const auto& [k, lr] : pairs) {
    const auto& [l, r] = lr;
    if constexpr (requires { l.has_value(); }) {
      if (l) {
        EXPECT_EQ(l->first, k);
      }
    } else {
      EXPECT_EQ(l.first, k);
    }
    if constexpr (requires { r.has_value(); }) {
      if (r) {
        EXPECT_EQ(r->first, k);
      }
    } else {
      EXPECT_EQ(r.first, k);
    }
    out.emplace_back(k, left_of(l), right_of(r));
  }
  return sorted(out);
}

const auto key_l = [](const L& l) { return l.first; };
const auto key_r = [](const R& r) { return r.first; };

/// Runs every (ship, local, variant) combination of join_with on the inputs and compares each
/// with the nested-loop join. Left comes from stream_par_iter (spread), right from stream_iter.
void check_all(const RuntimeConfig& config, const std::vector<L>& ls, const std::vector<R>& rs) {
  auto ctx = StreamContext(config);
  auto lsides = ctx.stream_par_iter(ls).split(11);
  auto rsides = ctx.stream_iter(rs).split(11);
  auto hash_inner = lsides[0].join_with(rsides[0], key_l, key_r).ship_hash().local_hash().inner().collect_vec();
  auto hash_left = lsides[1].join_with(rsides[1], key_l, key_r).local_hash().left().collect_vec();
  auto hash_outer = lsides[2].join_with(rsides[2], key_l, key_r).outer().collect_vec();
  auto sm_inner = lsides[3].join_with(rsides[3], key_l, key_r).local_sort_merge().inner().collect_vec();
  auto sm_left = lsides[4].join_with(rsides[4], key_l, key_r).ship_hash().local_sort_merge().left().collect_vec();
  auto sm_outer = lsides[5].join_with(rsides[5], key_l, key_r).local_sort_merge().outer().collect_vec();
  auto bc_inner = lsides[6].join_with(rsides[6], key_l, key_r).ship_broadcast_right().inner().collect_vec();
  auto bc_left = lsides[7].join_with(rsides[7], key_l, key_r).ship_broadcast_right().local_sort_merge().left().collect_vec();
  auto plain = lsides[8].join(rsides[8], key_l, key_r).collect_vec();
  auto left = lsides[9].left_join(rsides[9], key_l, key_r).collect_vec();
  auto outer = lsides[10].outer_join(rsides[10], key_l, key_r).collect_vec();
  ctx.execute_blocking();
  const auto inner_e = nested_loop(ls, rs, JoinVariant::inner);
  const auto left_e = nested_loop(ls, rs, JoinVariant::left);
  const auto outer_e = nested_loop(ls, rs, JoinVariant::outer);
  EXPECT_EQ(rows(take(hash_inner)), inner_e) << "hash inner";
  EXPECT_EQ(rows(take(hash_left)), left_e) << "hash left";
  EXPECT_EQ(rows(take(hash_outer)), outer_e) << "hash outer";
  EXPECT_EQ(rows(take(sm_inner)), inner_e) << "sort-merge inner";
  EXPECT_EQ(rows(take(sm_left)), left_e) << "sort-merge left";
  EXPECT_EQ(rows(take(sm_outer)), outer_e) << "sort-merge outer";
  EXPECT_EQ(rows(take(bc_inner)), inner_e) << "broadcast inner";
  EXPECT_EQ(rows(take(bc_left)), left_e) << "broadcast left";
  EXPECT_EQ(rows(take(plain)), inner_e) << "join";
  EXPECT_EQ(rows(take(left)), left_e) << "left_join";
  EXPECT_EQ(rows(take(outer)), outer_e) << "outer_join";
}

TEST_P(Join, KeysOnOneSideOnlyAndDuplicates) {
  check_all(config(), {{1, 10}, {2, 20}, {2, 21}, {3, 30}, {5, 50}},
            {{2, "b"}, {3, "c"}, {3, "cc"}, {4, "d"}, {6, "f"}, {6, "ff"}});
}

TEST_P(Join, EmptySides) {
  check_all(config(), {}, {{1, "a"}, {2, "b"}});
  check_all(config(), {{1, 10}, {2, 20}}, {});
  check_all(config(), {}, {});
}

TEST_P(Join, SingleItems) {
  check_all(config(), {{7, 70}}, {{7, "g"}});
  check_all(config(), {{7, 70}}, {{8, "h"}});
}

// Many duplicates of one key: the result is the cross product of the two runs.
TEST_P(Join, ManyDuplicatesOfOneKey) {
  std::vector<L> ls;
  std::vector<R> rs;
  for (int i = 0; i < 120; ++i) ls.emplace_back(i % 10 == 0 ? i : 42, i);
  for (int i = 0; i < 90; ++i) rs.emplace_back(i % 9 == 0 ? 1000 + i : 42, cat("r", i));
  check_all(config(), ls, rs);
}

TEST_P(Join, RandomInputsAgainstNestedLoop) {
  const std::uint64_t seed = std::random_device{}();
  std::cout << "join seed " << seed << std::endl;
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 6; ++round) {
    SCOPED_TRACE(cat("seed ", seed, " round ", round));
    const int keys = 1 + static_cast<int>(rng() % 30);
    std::vector<L> ls(rng() % 200);
    std::vector<R> rs(rng() % 200);
    for (auto& l : ls) l = {static_cast<int>(rng() % keys), static_cast<int>(rng() % 1000)};
    for (auto& r : rs) r = {static_cast<int>(rng() % keys), cat("s", rng() % 1000)};
    check_all(config(), ls, rs);
  }
}

// String keys (returned as views into the item) and a fold over the join result.
TEST_P(Join, StringKeysThenAggregate) {
  auto ctx = context();
  std::vector<std::string> words = {"apple", "avocado", "banana", "blueberry", "cherry", "date"};
  std::vector<std::pair<std::string, int>> prices = {{"a", 3}, {"b", 5}, {"c", 7}, {"e", 11}};
  auto out = ctx.stream_par_iter(words)
                 .join(ctx.stream_iter(prices), [](const std::string& w) { return w.substr(0, 1); },
                       [](const std::pair<std::string, int>& p) { return p.first; })
                 .unkey()
                 .map([](const auto& kv) { return kv.second.second.second; })
                 .fold(0, [](int& a, int x) { a += x; })
                 .collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(take(out), std::vector<int>{3 + 3 + 5 + 5 + 7});
}

// KeyedStream::join: values of equal keys paired, then a keyed fold on the joined stream.
TEST_P(Join, KeyedJoinThenKeyedFold) {
  auto ctx = context();
  auto left = ctx.stream_par_iter(0, 300).group_by([](int x) { return x % 7; });
  auto right = ctx.stream_par_iter(0, 5).map([](int x) { return x * 100; }).group_by([](int x) { return x / 100 % 7; });
  auto out = left.join(right).fold(0LL, [](long long& a, const std::pair<int, int>& lr) { a += lr.first + lr.second; }).collect_vec();
  ctx.execute_blocking();
  std::map<int, long long> expected;
  for (int x = 0; x < 300; ++x)
    for (int y = 0; y < 5; ++y)
      if (x % 7 == y % 7) expected[x % 7] += x + 100 * y;
  EXPECT_EQ(to_map(take(out)), expected);
}

// KeyedStream::left_join / outer_join: values of one side only come with std::nullopt.
TEST_P(Join, KeyedLeftAndOuterJoins) {
  auto ctx = context();
  const auto left_items = [] { return std::vector<std::pair<int, int>>{{1, 10}, {2, 20}, {2, 21}, {4, 40}}; };
  const auto right_items = [] { return std::vector<std::pair<int, std::string>>{{2, "b"}, {3, "c"}, {4, "d"}, {4, "e"}}; };
  const auto by_first = [](const auto& p) { return p.first; };
  auto l1 = ctx.stream_iter(left_items()).group_by(by_first).map([](const int&, std::pair<int, int> p) { return p.second; });
  auto r1 = ctx.stream_iter(right_items()).group_by(by_first).map([](const int&, std::pair<int, std::string> p) { return p.second; });
  auto l2 = ctx.stream_iter(left_items()).group_by(by_first).map([](const int&, std::pair<int, int> p) { return p.second; });
  auto r2 = ctx.stream_iter(right_items()).group_by(by_first).map([](const int&, std::pair<int, std::string> p) { return p.second; });
  auto left = l1.left_join(r1).collect_vec();
  auto outer = l2.outer_join(r2).collect_vec();
  ctx.execute_blocking();
  std::vector<Row> got_left, got_outer;
  for (auto& [k, v] : take(left)) got_left.emplace_back(k, v.first, v.second ? *v.second : std::string("-"));
  for (auto& [k, v] : take(outer)) got_outer.emplace_back(k, v.first ? *v.first : -1, v.second ? *v.second : std::string("-"));
  EXPECT_EQ(sorted(got_left), (std::vector<Row>{{1, 10, "-"}, {2, 20, "b"}, {2, 21, "b"}, {4, 40, "d"}, {4, 40, "e"}}));
  EXPECT_EQ(sorted(got_outer),
            (std::vector<Row>{{1, 10, "-"}, {2, 20, "b"}, {2, 21, "b"}, {3, -1, "c"}, {4, 40, "d"}, {4, 40, "e"}}));
}

TEST(JoinErrors, OuterWithBroadcastRightIsRefused) {
  auto ctx = StreamContext(RuntimeConfig::local(2));
  auto b = ctx.stream_iter(std::vector<L>{}).join_with(ctx.stream_iter(std::vector<R>{}), key_l, key_r).ship_broadcast_right();
  EXPECT_THROW(b.outer(), std::logic_error);
}

}  // namespace
}  // namespace renoir::test
