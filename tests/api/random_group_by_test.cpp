// Randomized group_by + fold / group_by_reduce / group_by_count against std::map.
// The seed is printed; set RENOIR_TEST_SEED=<seed> to replay a failure.
#include <map>
#include <random>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

struct Shape {
  std::size_t items;
  std::uint64_t key_space;
};

class RandomGroupBy : public ::testing::TestWithParam<std::size_t> {};

INSTANTIATE_TEST_SUITE_P(Par, RandomGroupBy, ::testing::Values(std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{4}), par_name);

TEST_P(RandomGroupBy, MatchesStdMap) {
  const std::uint64_t seed = test_seed();
  std::mt19937_64 rng(seed ^ (GetParam() * 0x9e3779b97f4a7c15ULL));
  const Shape shapes[] = {{0, 10}, {1, 1}, {17, 3}, {1000, 1}, {5000, 50}, {20000, 5000}, {60000, 1u << 30}};
  for (const Shape& shape : shapes) {
    SCOPED_TRACE(cat("items=", shape.items, " key_space=", shape.key_space, " seed=", seed));
    using Item = std::pair<std::int64_t, std::int64_t>;  // (key, value)
    std::vector<Item> items;
    for (std::size_t i = 0; i < shape.items; ++i)
      items.emplace_back(static_cast<std::int64_t>(rng() % shape.key_space) - 7,
                         static_cast<std::int64_t>(rng() % 2000001) - 1000000);
    // The same items, cut at random points among the replicas of a stream_par_iter source.
    std::vector<std::size_t> cuts{0, items.size()};
    for (std::size_t r = 1; r < GetParam(); ++r) cuts.push_back(items.empty() ? 0 : rng() % (items.size() + 1));
    std::sort(cuts.begin(), cuts.end());

    std::map<std::int64_t, std::int64_t> e_sum;
    std::map<std::int64_t, std::int64_t> e_max;
    std::map<std::int64_t, std::size_t> e_count;
    std::map<std::int64_t, std::int64_t> e_xor;
    for (auto [k, v] : items) {
      e_sum[k] += v;
      auto [it, fresh] = e_max.emplace(k, v);
      if (!fresh) it->second = std::max(it->second, v);
      ++e_count[k];
      e_xor[k] ^= v * 2654435761LL;
    }

    StreamContext ctx(RuntimeConfig::local(GetParam()));
    auto shared = std::make_shared<const std::vector<Item>>(items);
    auto source = [&] {
      return ctx.stream_par_iter([shared, cuts](std::size_t index, std::size_t replicas) {
        // replica `index` of `replicas` gets the slice between two cut points
        const std::size_t from = cuts[index * (cuts.size() - 1) / replicas];
        const std::size_t to = cuts[(index + 1) * (cuts.size() - 1) / replicas];
        return std::vector<Item>(shared->begin() + static_cast<std::ptrdiff_t>(from), shared->begin() + static_cast<std::ptrdiff_t>(to));
      });
    };
    auto key = [](const Item& it) { return it.first; };
    auto fold = source().group_by(key).fold(std::int64_t{0}, [](std::int64_t& a, Item it) { a += it.second; }).collect_vec();
    auto fold_xor = source().shuffle().group_by(key).fold(std::int64_t{0}, [](std::int64_t a, Item it) { return a ^ (it.second * 2654435761LL); }).collect_vec();
    auto reduce = source().group_by_reduce(key, [](Item& a, Item b) { a.second = std::max(a.second, b.second); }).collect_vec();
    auto count = source().group_by_count(key).collect_vec();
    auto gfold = source().group_by_fold(key, std::int64_t{0}, [](std::int64_t& a, const Item& it) { a += it.second; },
                                        [](std::int64_t& a, std::int64_t part) { a += part; })
                     .collect_vec();
    ctx.execute_blocking();

    EXPECT_EQ(to_map(take(fold)), e_sum);
    EXPECT_EQ(to_map(take(fold_xor)), e_xor);
    std::map<std::int64_t, std::int64_t> got_max;
    for (auto& [k, it] : take(reduce)) {
      EXPECT_EQ(k, it.first);
      EXPECT_TRUE(got_max.emplace(k, it.second).second) << "key twice: " << k;
    }
    EXPECT_EQ(got_max, e_max);
    EXPECT_EQ(to_map(take(count)), e_count);
    EXPECT_EQ(to_map(take(gfold)), e_sum);
  }
}

}  // namespace
}  // namespace renoir::test
