// Sinks (api/sinks/collect.hpp, for_each.hpp) and StreamOutput (api/output.hpp) at parallelism
// 1, 2 and 4. write_csv is in csv_test.cpp.
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
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

// The loop a new user writes first: before Taken, get() returned a std::optional by value and
// `*out.get()` was a reference into it, dead before the loop body ran (exit 139; ASan:
// heap-use-after-free). Strings, so that a dangling read touches freed heap memory.
TEST_P(Sinks, GetDereferencedInARangeForKeepsTheResultAlive) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, kN).map([](int x) { return cat("item-number-", x); }).collect_vec();
  ctx.execute_blocking();
  std::vector<std::string> seen;
  for (auto& x : *out.get()) seen.push_back(x);
  std::vector<std::string> expected;
  for (int x = 0; x < kN; ++x) expected.push_back(cat("item-number-", x));
  EXPECT_EQ(sorted(seen), sorted(expected));
  EXPECT_FALSE(out.ready());  // taken, as Renoir's get()
}

TEST_P(Sinks, GetOnKeyedResultsWithStructuredBindings) {
  auto ctx = context();
  auto a = ctx.stream_par_iter(0, kN).map([](int x) { return cat("w", x % 10); }).group_by_count([](const std::string& w) { return w; }).collect_vec();
  auto b = ctx.stream_par_iter(0, kN).map([](int x) { return cat("w", x % 10); }).group_by_count([](const std::string& w) { return w; }).collect_vec();
  ctx.execute_blocking();
  std::map<std::string, std::size_t> from_temporary, from_named;
  for (auto& [w, n] : *a.get()) from_temporary[w] = n;
  if (auto r = b.get())
    for (auto& [w, n] : *r) from_named[w] = n;
  std::map<std::string, std::size_t> expected;
  for (int x = 0; x < 10; ++x) expected[cat("w", x)] = kN / 10;
  EXPECT_EQ(from_temporary, expected);
  EXPECT_EQ(from_named, expected);
}

TEST_P(Sinks, GetDereferencedIntoValuesAndReferences) {
  auto ctx = context();
  auto a = ctx.stream_par_iter(0, 100).map([](int x) { return cat("value-", x, "-with-a-heap-buffer"); }).collect_vec();
  auto b = ctx.stream_par_iter(0, 100).map([](int x) { return cat("value-", x, "-with-a-heap-buffer"); }).collect_vec();
  auto c = ctx.stream_par_iter(0, 100).map([](int x) { return cat("value-", x, "-with-a-heap-buffer"); }).collect_vec();
  auto count = ctx.stream_par_iter(0, 100).collect_count();
  ctx.execute_blocking();
  auto v = *a.get();  // a std::vector<std::string>, moved out
  static_assert(std::is_same_v<decltype(v), std::vector<std::string>>);
  const auto& r = *b.get();  // a temporary vector, lifetime-extended (not a reference into a dead optional)
  auto w = c.get().value();
  EXPECT_EQ(v.size(), 100u);
  EXPECT_EQ(sorted(r), sorted(v));
  EXPECT_EQ(sorted(w), sorted(v));
  EXPECT_EQ(*count.get(), 100u);
  // Taken: a second get() is empty, and dereferencing it throws instead of being undefined.
  EXPECT_FALSE(a.get().has_value());
  EXPECT_THROW(*a.get(), NoOutput);
  EXPECT_THROW((void)a.get()->size(), std::bad_optional_access);
  EXPECT_THROW((void)*count.get(), NoOutput);
  std::optional<std::vector<std::string>> plain = a.get();  // still converts to std::optional
  EXPECT_FALSE(plain.has_value());
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
