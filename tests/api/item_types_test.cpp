// Item types through exchanges (core/emitter.hpp, core/receiver.hpp via the API): bool (whose
// std::vector is special), move-only items, items without a default constructor, composite keys.
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

RENOIR_PAR_SUITE(ItemTypes);

TEST_P(ItemTypes, BoolItemsCrossExchanges) {
  auto ctx = context();
  auto even = [](int x) { return x % 3 == 0; };
  auto collected = ctx.stream_par_iter(0, 3000).map(even).collect_vec();
  auto shuffled = ctx.stream_par_iter(0, 3000).map(even).shuffle().filter([](const bool& b) { return b; }).collect_count();
  auto grouped = ctx.stream_par_iter(0, 3000).map(even).group_by_count([](const bool& b) { return b; }).collect_vec();
  auto zipped = ctx.stream_iter(std::vector<bool>{true, false, true}).zip(ctx.stream_iter(iota(3))).collect_vec();
  ctx.execute_blocking();
  std::size_t trues = 0;
  for (int x = 0; x < 3000; ++x) trues += even(x);
  auto bools = take(collected);
  EXPECT_EQ(bools.size(), 3000u);
  EXPECT_EQ(static_cast<std::size_t>(std::count(bools.begin(), bools.end(), true)), trues);
  EXPECT_EQ(take(shuffled), trues);
  EXPECT_EQ(to_map(take(grouped)), (std::map<bool, std::size_t>{{false, 3000 - trues}, {true, trues}}));
  EXPECT_EQ(take(zipped), (std::vector<std::pair<bool, int>>{{true, 0}, {false, 1}, {true, 2}}));
}

/// On simulated hosts, items with no Serializer are refused before anything runs: checks that
/// and returns true. Returns false on a local topology.
bool refused_between_hosts(StreamContext& ctx, const Topology& topology) {
  if (topology.hosts.empty()) return false;
  try {
    ctx.execute_blocking();
    ADD_FAILURE() << "a job moving non-serializable items between hosts ran";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("Serializer"), std::string::npos) << e.what();
  }
  return true;
}

TEST_P(ItemTypes, MoveOnlyItems) {
  auto ctx = context();
  auto make = [](std::size_t index, std::size_t replicas) {
    std::vector<std::unique_ptr<int>> v;
    for (std::size_t x = index; x < 2000; x += replicas) v.push_back(std::make_unique<int>(static_cast<int>(x)));
    return v;
  };
  auto values = ctx.stream_par_iter(make)
                    .shuffle()
                    .group_by([](const std::unique_ptr<int>& p) { return *p % 7; })
                    .drop_key()
                    .filter([](const std::unique_ptr<int>& p) { return *p % 2 == 0; })
                    .map([](std::unique_ptr<int> p) { return *p; })
                    .collect_vec();
  auto pointers = ctx.stream_par_iter(make).collect_vec();
  if (refused_between_hosts(ctx, GetParam())) return;
  ctx.execute_blocking();
  std::vector<int> expected;
  for (int x = 0; x < 2000; x += 2) expected.push_back(x);
  EXPECT_EQ(sorted(take(values)), expected);
  std::vector<int> pointed;
  for (auto& p : take(pointers)) pointed.push_back(*p);
  EXPECT_EQ(sorted(pointed), iota(2000));
}

// Not trivially copyable on purpose: such a type is serialized by memcpy, and
// transport::Reader::pod default-constructs the value first, which does not compile without a
// default constructor (a transport/ issue, outside this suite).
struct NoDefault {
  explicit NoDefault(int v) : value(v), label(1, 'n') {}
  int value;
  std::string label;
  bool operator<(const NoDefault& o) const { return value < o.value; }
};

TEST_P(ItemTypes, ItemsWithoutDefaultConstructor) {
  auto ctx = context();
  auto items = ctx.stream_par_iter(0, 3000).map([](int x) { return NoDefault(x); });
  auto parts = items.shuffle().split(3);
  auto grouped = parts[0].group_by([](const NoDefault& n) { return n.value % 4; }).reduce([](NoDefault& a, NoDefault b) { a.value += b.value; }).collect_vec();
  auto sorted_out = parts[1].sorted().limit(3).collect_vec();
  auto total = parts[2].reduce([](NoDefault a, NoDefault b) { return NoDefault(a.value + b.value); }).collect_vec();
  if (refused_between_hosts(ctx, GetParam())) return;
  ctx.execute_blocking();
  std::map<int, int> expected;
  int sum = 0;
  for (int x = 0; x < 3000; ++x) {
    expected[x % 4] += x;
    sum += x;
  }
  std::map<int, int> got;
  for (auto& [k, n] : take(grouped)) got[k] = n.value;
  EXPECT_EQ(got, expected);
  std::vector<int> first;
  for (auto& n : take(sorted_out)) first.push_back(n.value);
  EXPECT_EQ(first, (std::vector<int>{0, 1, 2}));
  auto t = take(total);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].value, sum);
}

TEST_P(ItemTypes, CompositeKeys) {
  auto ctx = context();
  using Item = std::tuple<int, std::string, int>;
  std::vector<Item> items;
  for (int i = 0; i < 4000; ++i) items.emplace_back(i % 3, cat("k", i % 5), i);
  auto by_pair = ctx.stream_iter(items)
                     .group_by_sum([](const Item& it) { return std::pair<int, std::string>(std::get<0>(it), std::get<1>(it)); },
                                   [](const Item& it) { return static_cast<long long>(std::get<2>(it)); })
                     .collect_vec();
  auto by_tuple = ctx.stream_iter(items)
                      .group_by_count([](const Item& it) { return std::tuple<int, std::string>(std::get<0>(it), std::get<1>(it)); })
                      .collect_vec();
  ctx.execute_blocking();
  std::map<std::pair<int, std::string>, long long> e_sum;
  std::map<std::tuple<int, std::string>, std::size_t> e_count;
  for (auto& [a, b, c] : items) {
    e_sum[{a, b}] += c;
    ++e_count[{a, b}];
  }
  EXPECT_EQ(to_map(take(by_pair)), e_sum);
  EXPECT_EQ(to_map(take(by_tuple)), e_count);
}

TEST_P(ItemTypes, LargeStringsThroughSmallBatches) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 300)
                 .map([](int x) { return std::string(static_cast<std::size_t>(x) * 97, static_cast<char>('a' + x % 26)); })
                 .batch_mode(BatchMode::fixed(2))
                 .shuffle()
                 .map([](std::string s) { return std::pair<std::size_t, char>(s.size(), s.empty() ? '-' : s[0]); })
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<std::pair<std::size_t, char>> expected;
  for (int x = 0; x < 300; ++x) expected.emplace_back(static_cast<std::size_t>(x) * 97, x == 0 ? '-' : static_cast<char>('a' + x % 26));
  EXPECT_EQ(sorted(take(out)), sorted(expected));
}

}  // namespace
}  // namespace renoir::test
