// Replication (core/replication.hpp): replicas_on_host for every kind.
#include <renoir/core/replication.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace renoir::core {
namespace {

TEST(Replication, Unlimited) {
  const auto r = Replication::unlimited();
  EXPECT_EQ(r.kind(), Replication::Kind::unlimited);
  EXPECT_EQ(r.replicas_on_host(1, 0, 0), 1u);
  EXPECT_EQ(r.replicas_on_host(8, 0, 0), 8u);
  EXPECT_EQ(r.replicas_on_host(24, 1, 8), 24u);
  EXPECT_EQ(r.describe(), "unlimited");
}

TEST(Replication, One) {
  const auto r = Replication::one();
  EXPECT_EQ(r.replicas_on_host(8, 0, 0), 1u);
  EXPECT_EQ(r.replicas_on_host(8, 1, 8), 0u);
  EXPECT_EQ(r.replicas_on_host(1, 2, 9), 0u);
  EXPECT_EQ(r.describe(), "one");
}

TEST(Replication, Host) {
  const auto r = Replication::host();
  for (std::size_t h = 0; h < 4; ++h) EXPECT_EQ(r.replicas_on_host(16, h, h * 16), 1u);
  EXPECT_EQ(r.describe(), "host");
}

TEST(Replication, LimitedOnOneHost) {
  EXPECT_EQ(Replication::limited(2).replicas_on_host(4, 0, 0), 2u);
  EXPECT_EQ(Replication::limited(2).replicas_on_host(1, 0, 0), 1u);
  EXPECT_EQ(Replication::limited(5).replicas_on_host(5, 0, 0), 5u);
  EXPECT_EQ(Replication::limited(3).describe(), "limited(3)");
  EXPECT_THROW(Replication::limited(0), std::invalid_argument);
}

// limited(n) over several hosts fills the hosts in order; the total is min(n, all cores).
TEST(Replication, LimitedAcrossHosts) {
  const std::vector<std::size_t> cores{4, 2, 8, 1};
  for (std::size_t n = 1; n <= 20; ++n) {
    std::size_t before = 0, total = 0;
    for (std::size_t h = 0; h < cores.size(); ++h) {
      const std::size_t got = Replication::limited(n).replicas_on_host(cores[h], h, before);
      const std::size_t want = n > before ? std::min(cores[h], n - before) : 0;  // by hand
      EXPECT_EQ(got, want) << "limited(" << n << ") host " << h;
      total += got;
      before += cores[h];
    }
    EXPECT_EQ(total, std::min<std::size_t>(n, 15)) << "limited(" << n << ")";
  }
}

TEST(Replication, Equality) {
  EXPECT_EQ(Replication::one(), Replication::one());
  EXPECT_EQ(Replication::limited(3), Replication::limited(3));
  EXPECT_NE(Replication::limited(3), Replication::limited(4));
  EXPECT_NE(Replication::unlimited(), Replication::host());
}

}  // namespace
}  // namespace renoir::core
