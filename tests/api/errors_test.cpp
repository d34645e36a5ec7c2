// Errors (api/context.hpp, core/executor.hpp, core/run_state.hpp): a throwing user callable
// makes execute_blocking() rethrow it without hanging; misuse of the API throws.
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

RENOIR_PAR_SUITE(Errors);

struct UserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Runs the job, expects exactly `message` as a UserError, and a bounded run time.
void expect_user_error(StreamContext& ctx, const std::string& message) {
  const auto start = std::chrono::steady_clock::now();
  try {
    ctx.execute_blocking();
    ADD_FAILURE() << "execute_blocking() returned normally";
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), message);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception: " << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST_P(Errors, ThrowInMapOfTheSourceBlock) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 100000)
                 .map([](int x) {
                   if (x == 4321) throw UserError("map failed at 4321");
                   return x;
                 })
                 .collect_vec();
  expect_user_error(ctx, "map failed at 4321");
}

// The error's report on stderr names the block's operators (BlockOptions::name, set from the
// verbs), the replica and the host; the exception itself is the user's, unchanged.
TEST_P(Errors, TheReportNamesTheOperatorsAndTheReplica) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 100000)
                 .filter([](int x) { return x >= 0; })
                 .map([](int x) {
                   if (x == 4321) throw UserError("map failed at 4321");
                   return x;
                 })
                 .group_by_count([](int x) { return x % 7; })
                 .collect_vec();
  testing::internal::CaptureStderr();
  expect_user_error(ctx, "map failed at 4321");
  const std::string err = testing::internal::GetCapturedStderr();
  const std::regex report("renoir: replica [0-9]+ of " + std::to_string(n()) +
                          " of block 0 \\(stream_par_iter\\|filter\\|map\\|group_by[a-z_]*\\) on host [0-9]+ "
                          "failed: map failed at 4321");
  EXPECT_TRUE(std::regex_search(err, report)) << err;
  EXPECT_EQ(err.find("renoir: replica", err.find("renoir: replica") + 1), std::string::npos) << "reported twice: " << err;
}

TEST_P(Errors, ThrowOnEveryReplica) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 1000).map([](int) -> int { throw UserError("everyone fails"); }).collect_count();
  expect_user_error(ctx, "everyone fails");
}

// The throw happens in a downstream block while a large upstream is still producing: the
// upstream replicas are parked on full rings (backpressure) and must be released.
TEST_P(Errors, ThrowDownstreamUnderBackpressure) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 50'000'000)
                 .shuffle()
                 .map([](int x) {
                   if (x % 100'000 == 99'999) throw UserError("downstream failed");
                   return x;
                 })
                 .collect_count();
  expect_user_error(ctx, "downstream failed");
}

TEST_P(Errors, ThrowInOneReplicaSinkUnderBackpressure) {
  auto ctx = context();
  std::atomic<int> seen{0};
  ctx.stream_par_iter(0, 50'000'000).batch_mode(BatchMode::fixed(64)).replication(Replication::one()).for_each([&](int) {
    if (++seen == 200'000) throw UserError("sink failed");
  });
  expect_user_error(ctx, "sink failed");
}

TEST_P(Errors, ThrowInFoldAfterGather) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 20'000'000).fold(0LL, [](long long& a, int x) {
    if (x == 1'000'000) throw UserError("fold failed");
    a += x;
  }).collect_vec();
  expect_user_error(ctx, "fold failed");
}

TEST_P(Errors, ThrowInGroupByKeyAndInKeyedFold) {
  {
    auto ctx = context();
    auto out = ctx.stream_par_iter(0, 1'000'000)
                   .group_by([](const int& x) {
                     if (x == 777'777) throw UserError("key failed");
                     return x % 10;
                   })
                   .collect_count();
    expect_user_error(ctx, "key failed");
  }
  {
    auto ctx = context();
    auto out = ctx.stream_par_iter(0, 1'000'000)
                   .group_by([](const int& x) { return x % 10; })
                   .fold(0LL, [](long long& a, int x) {  // an int sum of 1e6 items overflows (UBSan)
                     if (x == 500'001) throw UserError("keyed fold failed");
                     a += x;
                   })
                   .collect_count();
    expect_user_error(ctx, "keyed fold failed");
  }
}

TEST_P(Errors, ThrowInZipAndMergeBranches) {
  {
    auto ctx = context();
    auto left = ctx.stream_iter(iota(200'000));
    auto right = ctx.stream_par_iter(0, 10'000'000).map([](int x) {
      if (x == 123'456) throw UserError("right side failed");
      return x;
    });
    auto out = left.merge(right).collect_count();
    expect_user_error(ctx, "right side failed");
  }
  {
    auto ctx = context();
    auto out = ctx.stream_iter(iota(1'000'000))
                   .zip(ctx.stream_iter(iota(1'000'000)).map([](int x) {
                     if (x == 654'321) throw UserError("zip side failed");
                     return x;
                   }))
                   .collect_count();
    expect_user_error(ctx, "zip side failed");
  }
}

// Not a std::exception: rethrown as it was (the examples catch it with catch (...)).
TEST_P(Errors, ThrowOfANonStdExceptionIsRethrownAsIs) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 100000).shuffle().map([](int x) {
    if (x == 777) throw 42;
    return x;
  }).collect_count();
  try {
    ctx.execute_blocking();
    ADD_FAILURE() << "no exception";
  } catch (int e) {
    EXPECT_EQ(e, 42);
  }
}

// An error of the file source itself names the file (here: the file shrank, read by a map that
// truncates it under the source's feet, so no timing is involved).
TEST_P(Errors, FileSourceErrorNamesTheFile) {
  TempDir dir;
  std::string content;
  for (int i = 0; content.size() < (8u << 20); ++i) content += cat("line ", i, "\n");
  const std::string path = dir.write("input.txt", content);
  auto ctx = context();
  auto out = ctx.stream_file(path)
                 .inspect([path, done = false](const std::string&) mutable {
                   if (!done && ::truncate(path.c_str(), 0) == 0) done = true;
                 })
                 .collect_count();
  try {
    ctx.execute_blocking();
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("input file '" + path + "' shrank while being read"), std::string::npos)
        << e.what();
  }
}

TEST_P(Errors, ThrowInSourceFunction) {
  auto ctx = context();
  auto out = ctx.stream_par_iter([](std::size_t index, std::size_t replicas) -> std::vector<int> {
                  if (index + 1 == replicas) throw UserError("source failed");
                  return iota(100'000);
                })
                 .shuffle()
                 .collect_count();
  expect_user_error(ctx, "source failed");
}

TEST_P(Errors, ThrowAtEndOfStreamInSortedComparator) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 10'000).sorted_by([](const int& a, const int& b) -> bool {
    if (a == 5000 || b == 5000) throw UserError("compare failed");
    return a < b;
  }).collect_vec();
  expect_user_error(ctx, "compare failed");
}

TEST(ErrorsApi, StreamFileOnMissingFileNamesThePath) {
  StreamContext ctx(RuntimeConfig::local(2));
  const std::string path = "/nonexistent-dir-renoir/missing-file.txt";
  try {
    ctx.stream_file(path);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  try {
    ctx.stream_csv<int>(path);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(ErrorsApi, StreamFileOnDirectoryThrows) {
  TempDir dir;
  StreamContext ctx(RuntimeConfig::local(1));
  const std::string path = dir.file("");
  EXPECT_THROW(ctx.stream_file(path), std::runtime_error);
}

// Out of threads (RLIMIT_NPROC, as for a user with a low `ulimit -u`): execute_blocking()
// throws an error that says what could not start and what to do, and nothing hangs. Root is
// not subject to the limit, so the child drops to nobody first.
[[noreturn]] void run_with_one_thread_allowed() {
  if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) std::_Exit(10);
  const rlimit one{1, 1};
  if (::setrlimit(RLIMIT_NPROC, &one) != 0) std::_Exit(11);
  try {
    StreamContext ctx(RuntimeConfig::local(64));
    auto out = ctx.stream_par_iter(0, 100000).shuffle().collect_count();
    ctx.execute_blocking();
    std::fprintf(stderr, "no error\n");
    std::_Exit(12);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    std::_Exit(3);
  }
}

TEST(ErrorsDeathTest, ThreadLimitGivesAClearError) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(run_with_one_thread_allowed(), ::testing::ExitedWithCode(3),
              "cannot start a thread for replica 0 of 64 of block 0 .*ulimit -u");
}

TEST(ErrorsApi, LocalZeroThrows) {
  EXPECT_THROW(RuntimeConfig::local(0), std::invalid_argument);
  EXPECT_NO_THROW(RuntimeConfig::local(1));
}

TEST(ErrorsApi, InvalidArgumentsThrow) {
  StreamContext ctx(RuntimeConfig::local(2));
  EXPECT_THROW(Replication::limited(0), std::invalid_argument);
  EXPECT_THROW(ctx.stream_par_iter(0, 10).split(0), std::invalid_argument);
}

TEST_P(Errors, ConsumedStreamTwiceThrowsLogicError) {
  auto ctx = context();
  auto shuffled = ctx.stream_iter(iota(100)).shuffle();
  auto first = shuffled.collect_vec();
  EXPECT_THROW(
      {
        auto second = shuffled.collect_vec();
        ctx.execute_blocking();
      },
      std::logic_error);
}

TEST_P(Errors, ConsumedKeyedStreamTwiceThrowsLogicError) {
  auto ctx = context();
  auto grouped = ctx.stream_par_iter(0, 100).group_by([](const int& x) { return x % 3; });
  auto first = grouped.map([](const int&, int x) { return x; }).collect_vec();
  EXPECT_THROW(
      {
        auto second = grouped.collect_count();
        ctx.execute_blocking();
      },
      std::logic_error);
}

// Streams that start at a source are consumed once too: reusing one would read the source
// twice. The error comes at build time and leaves the first use intact.
TEST_P(Errors, SourceStreamUsedTwiceThrowsLogicError) {
  auto ctx = context();
  auto source = ctx.stream_iter(iota(100));
  auto first = source.collect_vec();
  EXPECT_THROW(source.collect_vec(), std::logic_error);
  EXPECT_THROW(source.map([](int x) { return x; }), std::logic_error);
  auto mapped = ctx.stream_par_iter(0, 50).map([](int x) { return x * 2; });
  auto second = mapped.collect_count();
  EXPECT_THROW(mapped.filter([](const int&) { return true; }), std::logic_error);
  EXPECT_THROW(mapped.shuffle(), std::logic_error);
  ctx.execute_blocking();
  EXPECT_EQ(take(first), iota(100));
  EXPECT_EQ(take(second), 50u);
}

TEST_P(Errors, StreamCopiesAndBatchModeShareConsumption) {
  auto ctx = context();
  auto s = ctx.stream_par_iter(0, 10);
  auto copy = s;
  auto configured = s.batch_mode(BatchMode::fixed(4));
  auto out = configured.collect_vec();
  EXPECT_THROW(s.collect_count(), std::logic_error);
  EXPECT_THROW(copy.collect_count(), std::logic_error);
  auto keyed = ctx.stream_par_iter(0, 10).group_by([](const int& x) { return x % 2; });
  auto pairs = keyed.unkey().collect_vec();
  EXPECT_THROW(keyed.collect_count(), std::logic_error);
  EXPECT_THROW(keyed.drop_key(), std::logic_error);
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(out)), iota(10));
  EXPECT_EQ(take(pairs).size(), 10u);
}

TEST_P(Errors, ReusedRouteOrSplitSourceThrows) {
  {
    auto ctx = context();
    auto s = ctx.stream_par_iter(0, 10);
    auto routes = s.route().add_route([](const int& x) { return x < 5; });
    auto built = routes.build();
    EXPECT_THROW(routes.build(), std::logic_error);
    EXPECT_THROW(s.split(2), std::logic_error);
  }
  {
    auto ctx = context();
    auto s = ctx.stream_par_iter(0, 10);
    EXPECT_THROW(s.merge(s), std::logic_error);
  }
  {
    auto ctx = context();
    auto s = ctx.stream_par_iter(0, 10);
    EXPECT_THROW(s.zip(s), std::logic_error);
  }
}

TEST_P(Errors, StreamWithoutSinkThrowsLogicError) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 100).collect_vec();
  auto dangling = ctx.stream_par_iter(0, 100).shuffle();
  EXPECT_THROW(ctx.execute_blocking(), std::logic_error);
}

TEST_P(Errors, ExecutingTwiceThrows) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 1000).collect_count();
  ctx.execute_blocking();
  EXPECT_EQ(take(out), 1000u);
  EXPECT_THROW(ctx.execute_blocking(), std::logic_error);
  EXPECT_THROW(ctx.stream_par_iter(0, 10), std::logic_error);  // and no new streams either
}

TEST_P(Errors, ExecutingAfterAFailureThrows) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 1000).map([](int x) -> int { if (x == 10) throw UserError("once"); return x; }).collect_count();
  expect_user_error(ctx, "once");
  EXPECT_THROW(ctx.execute_blocking(), std::logic_error);
}

TEST_P(Errors, MixingContextsThrows) {
  auto a = context();
  auto b = context();
  auto sa = a.stream_par_iter(0, 10);
  auto sb = b.stream_par_iter(0, 10);
  EXPECT_THROW(sa.merge(sb), std::logic_error);
  EXPECT_THROW(sa.zip(sb), std::logic_error);
}

// After an error the next job in the same process runs normally.
TEST_P(Errors, ANewContextWorksAfterAFailure) {
  {
    auto ctx = context();
    auto out = ctx.stream_par_iter(0, 1'000'000).shuffle().map([](int x) -> int { if (x == 999) throw UserError("boom"); return x; }).collect_count();
    expect_user_error(ctx, "boom");
  }
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 100'000).shuffle().collect_count();
  ctx.execute_blocking();
  EXPECT_EQ(take(out), 100'000u);
}

}  // namespace
}  // namespace renoir::test
