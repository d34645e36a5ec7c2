// Empty inputs through every source and aggregation, at parallelism 1, 2 and 4: fold and
// reduce emit nothing (as in Renoir), counts are 0, collections are empty.
#include <set>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

RENOIR_PAR_SUITE(EmptyInput);

// Runs `body(stream, ctx)` on each empty source kind; `body` returns a check to run afterwards.
template <class Body>
void for_each_empty_source(StreamContext (*make)(std::size_t), std::size_t n, Body body) {
  {
    SCOPED_TRACE("stream_iter(empty vector)");
    auto ctx = make(n);
    auto check = body(ctx.stream_iter(std::vector<int>{}));
    ctx.execute_blocking();
    check();
  }
  {
    SCOPED_TRACE("stream_par_iter(5, 5)");
    auto ctx = make(n);
    auto check = body(ctx.stream_par_iter(5, 5));
    ctx.execute_blocking();
    check();
  }
  {
    SCOPED_TRACE("stream_par_iter(9, 3) (end before begin)");
    auto ctx = make(n);
    auto check = body(ctx.stream_par_iter(9, 3));
    ctx.execute_blocking();
    check();
  }
  {
    SCOPED_TRACE("stream_par_iter(fn) returning empty ranges");
    auto ctx = make(n);
    auto check = body(ctx.stream_par_iter([](std::size_t, std::size_t) { return std::vector<int>{}; }));
    ctx.execute_blocking();
    check();
  }
  {
    SCOPED_TRACE("stream_file(empty file) mapped to int");
    TempDir dir;
    auto ctx = make(n);
    auto check = body(ctx.stream_file(dir.write("empty.txt", "")).map([](std::string s) { return static_cast<int>(s.size()); }));
    ctx.execute_blocking();
    check();
  }
  {
    SCOPED_TRACE("stream_csv<int>(empty file)");
    TempDir dir;
    auto ctx = make(n);
    auto check = body(ctx.stream_csv<int>(dir.write("empty.csv", ""), false));
    ctx.execute_blocking();
    check();
  }
  {
    SCOPED_TRACE("everything filtered out after a shuffle");
    auto ctx = make(n);
    auto check = body(ctx.stream_par_iter(0, 1000).shuffle().filter([](const int&) { return false; }));
    ctx.execute_blocking();
    check();
  }
}

StreamContext make_ctx(std::size_t n) { return StreamContext(RuntimeConfig::local(n)); }

// As Renoir's Fold: the accumulator starts at the first item, so no item means no result.
TEST_P(EmptyInput, FoldEmitsNothing) {
  for_each_empty_source(make_ctx, n(), [](auto s) {
    auto out = s.fold(42LL, [](long long& a, int x) { a += x; }).collect_vec();
    return [out]() mutable { EXPECT_TRUE(take(out).empty()); };
  });
}

TEST_P(EmptyInput, FoldAssocEmitsNothing) {
  for_each_empty_source(make_ctx, n(), [](auto s) {
    auto split = s.split(2);
    auto neutral = split[0].fold_assoc(0LL, [](long long& a, int x) { a += x; }, [](long long& a, long long b) { a += b; }).collect_vec();
    auto marked = split[1].fold_assoc(7LL, [](long long& a, int x) { a += x; }, [](long long& a, long long b) { a += b; }).collect_vec();
    return [neutral, marked]() mutable {
      EXPECT_TRUE(take(neutral).empty());
      EXPECT_TRUE(take(marked).empty());
    };
  });
}

TEST_P(EmptyInput, ReduceEmitsNothing) {
  for_each_empty_source(make_ctx, n(), [](auto s) {
    auto split = s.split(2);
    auto a = split[0].reduce([](int x, int y) { return x + y; }).collect_vec();
    auto b = split[1].reduce_assoc([](int& x, int y) { x += y; }).collect_vec();
    return [a, b]() mutable {
      EXPECT_TRUE(take(a).empty());
      EXPECT_TRUE(take(b).empty());
    };
  });
}

TEST_P(EmptyInput, CountsAreZeroAndCollectionsEmpty) {
  for_each_empty_source(make_ctx, n(), [](auto s) {
    auto split = s.split(5);
    auto count = split[0].collect_count();
    auto vec = split[1].collect_vec();
    auto set = split[2].template collect<std::set<int>>();
    auto all = split[3].collect_all();
    auto seen = std::make_shared<std::atomic<int>>(0);
    split[4].for_each([seen](int) { ++*seen; });
    return [count, vec, set, all, seen]() mutable {
      EXPECT_EQ(take(count), 0u);
      EXPECT_TRUE(take(vec).empty());
      EXPECT_TRUE(take(set).empty());
      EXPECT_TRUE(take(all).empty());
      EXPECT_EQ(seen->load(), 0);
    };
  });
}

TEST_P(EmptyInput, GroupedAggregationsAreEmpty) {
  for_each_empty_source(make_ctx, n(), [](auto s) {
    auto split = s.split(7);
    auto key = [](const int& x) { return x % 3; };
    auto fold = split[0].group_by_fold(key, 0, [](int& a, int x) { a += x; }, [](int& a, int b) { a += b; }).collect_vec();
    auto reduce = split[1].group_by_reduce(key, [](int& a, int b) { a += b; }).collect_vec();
    auto sum = split[2].group_by_sum(key, [](const int& x) { return x; }).collect_vec();
    auto count = split[3].group_by_count(key).collect_vec();
    auto avg = split[4].group_by_avg(key, [](const int& x) { return x; }).collect_vec();
    auto keyed_fold = split[5].group_by(key).fold(7, [](int& a, int x) { a += x; }).collect_vec();
    auto keyed_reduce = split[6].group_by(key).reduce([](int& a, int x) { a += x; }).collect_vec();
    return [=]() mutable {
      EXPECT_TRUE(take(fold).empty());
      EXPECT_TRUE(take(reduce).empty());
      EXPECT_TRUE(take(sum).empty());
      EXPECT_TRUE(take(count).empty());
      EXPECT_TRUE(take(avg).empty());
      EXPECT_TRUE(take(keyed_fold).empty());  // no key, no init
      EXPECT_TRUE(take(keyed_reduce).empty());
    };
  });
}

TEST_P(EmptyInput, OtherOperatorsPassNothing) {
  for_each_empty_source(make_ctx, n(), [](auto s) {
    auto split = s.split(6);
    auto sorted_out = split[0].sorted().collect_vec();
    auto limited = split[1].limit(10).collect_vec();
    auto unique = split[2].unique_assoc().collect_vec();
    auto zipped = split[3].zip(split[4].map([](int x) { return x * 2; })).collect_vec();
    auto mapped = split[5].map([](int x) { return std::vector<int>{x, x}; }).flatten().broadcast().collect_count();
    return [=]() mutable {
      EXPECT_TRUE(take(sorted_out).empty());
      EXPECT_TRUE(take(limited).empty());
      EXPECT_TRUE(take(unique).empty());
      EXPECT_TRUE(take(zipped).empty());
      EXPECT_EQ(take(mapped), 0u);
    };
  });
}

TEST_P(EmptyInput, ZipWithOneEmptySide) {
  auto ctx = context();
  auto out = ctx.stream_iter(iota(5000)).zip(ctx.stream_iter(std::vector<std::string>{})).collect_vec();
  ctx.execute_blocking();
  EXPECT_TRUE(take(out).empty());
}

TEST_P(EmptyInput, WriteCsvCreatesAnEmptyFile) {
  TempDir dir;
  const std::string path = dir.file("out.csv");
  auto ctx = context();
  ctx.stream_par_iter(0, 0).write_csv(path);
  ctx.execute_blocking();
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(std::filesystem::file_size(path), 0u);
}

}  // namespace
}  // namespace renoir::test
