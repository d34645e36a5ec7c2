// Key hashing (core/key_hash.hpp, core/routers.hpp): indices within range, roughly uniform.
#include <renoir/core/key_hash.hpp>
#include <renoir/core/routers.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace renoir::core {
namespace {

TEST(KeyHash, HashToIndexStaysInRange) {
  const std::uint64_t hashes[] = {0, 1, 2, 0x8000000000000000ULL, std::numeric_limits<std::uint64_t>::max(),
                                  std::numeric_limits<std::uint64_t>::max() - 1, 0x123456789abcdefULL};
  for (std::size_t n : {1, 2, 3, 4, 7, 8, 64, 1000, 1 << 20}) {
    for (std::uint64_t h : hashes) EXPECT_LT(hash_to_index(h, n), n) << h << " into " << n;
    EXPECT_EQ(hash_to_index(0, n), 0u);
    EXPECT_EQ(hash_to_index(std::numeric_limits<std::uint64_t>::max(), n), n - 1);
  }
  for (std::uint64_t h : hashes) EXPECT_EQ(hash_to_index(h, 1), 0u);
}

TEST(KeyHash, EqualKeysHashEqual) {
  EXPECT_EQ(key_hash(42), key_hash(42));
  EXPECT_EQ(key_hash(std::string("renoir")), key_hash(std::string("renoir")));
  EXPECT_EQ(key_hash(std::pair<int, std::string>(1, "a")), key_hash(std::pair<int, std::string>(1, "a")));
  EXPECT_NE(key_hash(1), key_hash(2));
}

// Chi-square of `keys` hashed into n buckets against the uniform distribution.
template <class Keys>
double chi_square(const Keys& keys, std::size_t n) {
  std::vector<double> counts(n, 0);
  for (const auto& k : keys) {
    const std::size_t i = hash_to_index(key_hash(k), n);
    EXPECT_LT(i, n);
    counts[i] += 1;
  }
  const double expected = static_cast<double>(keys.size()) / static_cast<double>(n);
  double chi = 0;
  for (double c : counts) chi += (c - expected) * (c - expected) / expected;
  return chi;
}

// For n buckets the statistic has n-1 degrees of freedom, mean n-1 and deviation sqrt(2(n-1)).
// Sequential integers (boost::hash is the identity on them) and structured strings are the
// worst cases for a weak mix; allow 6 deviations.
void expect_uniform(double chi, std::size_t n, const std::string& what) {
  const double df = static_cast<double>(n - 1);
  EXPECT_LT(chi, df + 6 * std::sqrt(2 * df) + 10) << what << " into " << n << " buckets";
}

TEST(KeyHash, SequentialIntegersSpreadUniformly) {
  std::vector<std::uint64_t> keys;
  for (std::uint64_t k = 0; k < 200'000; ++k) keys.push_back(k);
  for (std::size_t n : {2, 3, 4, 8, 16, 37, 64, 256}) expect_uniform(chi_square(keys, n), n, "0..200000");
  std::vector<std::uint64_t> strided;
  for (std::uint64_t k = 0; k < 200'000; ++k) strided.push_back(k << 20);  // low bits all zero
  for (std::size_t n : {2, 4, 16, 64}) expect_uniform(chi_square(strided, n), n, "k << 20");
  std::vector<int> negative;
  for (int k = -100'000; k < 100'000; ++k) negative.push_back(k);
  for (std::size_t n : {2, 3, 8}) expect_uniform(chi_square(negative, n), n, "-100000..100000");
}

TEST(KeyHash, StringsSpreadUniformly) {
  std::vector<std::string> keys;
  for (int k = 0; k < 100'000; ++k) keys.push_back(std::string("word").append(std::to_string(k)));
  for (std::size_t n : {2, 3, 4, 8, 16, 64}) expect_uniform(chi_square(keys, n), n, "word<k>");
}

TEST(KeyHash, EveryBucketIsUsedForSmallKeySets) {
  for (std::size_t n : {2, 3, 4, 8}) {
    std::vector<bool> used(n, false);
    for (int k = 0; k < 200; ++k) used[hash_to_index(key_hash(k), n)] = true;
    for (std::size_t i = 0; i < n; ++i) EXPECT_TRUE(used[i]) << "bucket " << i << " of " << n;
  }
}

TEST(Routers, HashRouterIsAFunctionOfTheKey) {
  HashRouter<int (*)(const int&)> router{[](const int& x) { return x % 100; }};
  for (std::size_t n : {1, 2, 4, 5}) {
    for (int x = 0; x < 1000; ++x) {
      const std::size_t d = router.route(x, n);
      EXPECT_LT(d, n);
      EXPECT_EQ(d, router.route(x % 100, n));
    }
  }
}

TEST(Routers, RoundRobinStartsAtTheReplicaIndexAndCycles) {
  RoundRobinRouter rr;
  ReplicaInfo info;
  info.index = 2;
  rr.bind(info);
  std::vector<std::size_t> got;
  for (int i = 0; i < 8; ++i) got.push_back(rr.route(0, 3));
  EXPECT_EQ(got, (std::vector<std::size_t>{2, 0, 1, 2, 0, 1, 2, 0}));
}

TEST(Routers, ForwardRouterKeepsTheIndexModuloReceivers) {
  ForwardRouter f;
  ReplicaInfo info;
  info.index = 5;
  f.bind(info);
  EXPECT_EQ(f.route(0, 8), 5u);
  EXPECT_EQ(f.route(0, 4), 1u);
  EXPECT_EQ(f.route(0, 1), 0u);
}

}  // namespace
}  // namespace renoir::core
