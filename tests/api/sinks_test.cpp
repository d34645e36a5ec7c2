// Sinks (api/sinks/collect.hpp, for_each.hpp) and StreamOutput (api/output.hpp) at parallelism
// 1, 2 and 4. write_csv is in csv_test.cpp.
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

constexpr int kN = 10000;

RENOIR_PAR_SUITE(Sinks);

TEST_P(Sinks, CollectVec) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, kN).map([](int x) { return x * 2; }).collect_vec();
  EXPECT_FALSE(out.ready());  // nothing before execution
  ctx.execute_blocking();
  EXPECT_TRUE(out.ready());
  std::vector<int> expected;
  for (int x = 0; x < kN; ++x) expected.push_back(x * 2);
  EXPECT_EQ(sorted(take(out)), expected);
  EXPECT_FALSE(out.get().has_value());  // get() takes the result out
  EXPECT_FALSE(out.ready());
}

TEST_P(Sinks, CollectIntoContainers) {
  auto ctx = context();
  auto set = ctx.stream_par_iter(0, kN).map([](int x) { return x % 123; }).collect<std::set<int>>();
  auto mset = ctx.stream_par_iter(0, kN).map([](int x) { return x % 7; }).collect<std::multiset<int>>();
  auto uset = ctx.stream_par_iter(0, kN).map([](int x) { return std::to_string(x % 50); }).collect<std::unordered_set<std::string>>();
  auto deque = ctx.stream_par_iter(0, 100).collect<std::deque<int>>();
  ctx.execute_blocking();
  std::set<int> e_set;
  std::multiset<int> e_mset;
  std::unordered_set<std::string> e_uset;
  for (int x = 0; x < kN; ++x) {
    e_set.insert(x % 123);
    e_mset.insert(x % 7);
    e_uset.insert(std::to_string(x % 50));
  }
  EXPECT_EQ(take(set), e_set);
  EXPECT_EQ(take(mset), e_mset);
  EXPECT_EQ(take(uset), e_uset);
  auto d = take(deque);
  EXPECT_EQ(sorted(std::vector<int>(d.begin(), d.end())), iota(100));
}

TEST_P(Sinks, CollectCount) {
  auto ctx = context();
  auto a = ctx.stream_par_iter(0, kN).collect_count();
  auto b = ctx.stream_par_iter(0, kN).filter([](const int& x) { return x % 3 == 0; }).collect_count();
  auto c = ctx.stream_iter(iota(777)).shuffle().flat_map([](int x) { return std::vector<int>(static_cast<std::size_t>(x % 3), x); }).collect_count();
  ctx.execute_blocking();
  std::size_t eb = 0, ec = 0;
  for (int x = 0; x < kN; ++x) eb += x % 3 == 0;
  for (int x = 0; x < 777; ++x) ec += static_cast<std::size_t>(x % 3);
  EXPECT_EQ(take(a), static_cast<std::size_t>(kN));
  EXPECT_EQ(take(b), eb);
  EXPECT_EQ(take(c), ec);
}

TEST_P(Sinks, CollectAll) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, kN).map([](int x) { return -x; }).collect_all();
  ctx.execute_blocking();
  std::vector<int> expected;
  for (int x = kN - 1; x >= 0; --x) expected.push_back(-x);
  EXPECT_EQ(sorted(take(out)), expected);
}

TEST_P(Sinks, ForEachWithMutexAccumulator) {
  auto ctx = context();
  std::mutex mutex;
  std::vector<int> seen;
  long long sum = 0;
  std::set<std::size_t> replicas;
  ctx.stream_par_iter(0, kN).shuffle().for_each([&](int x) {
    std::lock_guard lock(mutex);
    seen.push_back(x);
    sum += x;
    replicas.insert(this_replica()->index);
  });
  ctx.execute_blocking();
  long long expected_sum = 0;
  for (int x = 0; x < kN; ++x) expected_sum += x;
  EXPECT_EQ(sum, expected_sum);
  EXPECT_EQ(sorted(seen), iota(kN));
  EXPECT_EQ(replicas.size(), n());  // runs on the replica that holds the item
}

TEST_P(Sinks, ForEachOnKeyedStream) {
  auto ctx = context();
  std::mutex mutex;
  std::map<int, long long> sums;
  ctx.stream_par_iter(0, kN).group_by([](const int& x) { return x % 10; }).for_each([&](std::pair<int, int> kv) {
    std::lock_guard lock(mutex);
    sums[kv.first] += kv.second;
  });
  ctx.execute_blocking();
  std::map<int, long long> expected;
  for (int x = 0; x < kN; ++x) expected[x % 10] += x;
  EXPECT_EQ(sums, expected);
}

TEST_P(Sinks, SeveralSinksInOneJob) {
  auto ctx = context();
  auto parts = ctx.stream_par_iter(0, kN).split(4);
  auto v = parts[0].collect_vec();
  auto c = parts[1].collect_count();
  auto a = parts[2].collect_all();
  auto s = parts[3].collect<std::set<int>>();
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(v)), iota(kN));
  EXPECT_EQ(take(c), static_cast<std::size_t>(kN));
  EXPECT_EQ(sorted(take(a)), iota(kN));
  auto set = take(s);
  EXPECT_EQ(std::vector<int>(set.begin(), set.end()), iota(kN));
}

}  // namespace
}  // namespace renoir::test
