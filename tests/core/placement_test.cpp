// Tests core/placement.hpp: Renoir's replication semantics over hosts and cores.
#include <renoir/core/placement.hpp>

#include <gtest/gtest.h>

#include <map>

using renoir::core::place;
using renoir::core::Replication;

namespace {
std::map<std::size_t, std::size_t> per_host(const std::vector<renoir::core::ReplicaPlacement>& p) {
  std::map<std::size_t, std::size_t> m;
  for (const auto& r : p) ++m[r.host];
  return m;
}
}  // namespace

TEST(Placement, UnlimitedIsOnePerCoreOfEveryHost) {
  auto p = place(Replication::unlimited(), 0, {2, 3});
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(per_host(p), (std::map<std::size_t, std::size_t>{{0, 2}, {1, 3}}));
  // host 0's replicas come first, each on its own core
  EXPECT_EQ(p[0].host, 0u);
  EXPECT_EQ(p[1].core, 1u);
  EXPECT_EQ(p[2].host, 1u);
  EXPECT_EQ(p[4].core, 2u);
}

TEST(Placement, LimitedFillsHostsInOrder) {
  EXPECT_EQ(per_host(place(Replication::limited(3), 0, {2, 2})), (std::map<std::size_t, std::size_t>{{0, 2}, {1, 1}}));
  EXPECT_EQ(per_host(place(Replication::limited(1), 0, {4, 4})), (std::map<std::size_t, std::size_t>{{0, 1}}));
  EXPECT_EQ(place(Replication::limited(10), 0, {2, 2}).size(), 4u);
}

TEST(Placement, HostAndOne) {
  EXPECT_EQ(per_host(place(Replication::host(), 0, {2, 2, 2})),
            (std::map<std::size_t, std::size_t>{{0, 1}, {1, 1}, {2, 1}}));
  auto one = place(Replication::one(), 5, {4, 4});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].host, 0u);
  EXPECT_EQ(one[0].core, 5u % 4u);  // single replicas spread over cores by block id
}

TEST(Placement, LimitedZeroIsRejected) { EXPECT_THROW(Replication::limited(0), std::invalid_argument); }
