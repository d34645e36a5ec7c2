// collect_channel (api/sinks/collect_channel.hpp, api/channel_receiver.hpp) and stream_channel
// (api/sources/channel.hpp): results while the job runs, input fed from another thread, early
// stops and failed jobs on both ends.
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

using namespace std::chrono_literals;

RENOIR_PAR_SUITE(Channels);

/// Runs the job on a thread; join() returns what execute_blocking() threw (or null).
class JobThread {
 public:
  explicit JobThread(StreamContext& ctx)
      : thread_([this, &ctx] {
          try {
            ctx.execute_blocking();
          } catch (...) {
            error_ = std::current_exception();
          }
        }) {}
  ~JobThread() {
    if (thread_.joinable()) thread_.join();
  }
  std::exception_ptr join() {
    thread_.join();
    return error_;
  }

 private:
  std::exception_ptr error_;
  std::thread thread_;
};

TEST_P(Channels, CollectChannelGivesEveryItem) {
  auto ctx = context();
  auto ch = ctx.stream_par_iter(0, 50000).map([](int x) { return x * 3; }).collect_channel();
  JobThread job(ctx);
  std::vector<int> got;
  for (int x : ch) got.push_back(x);
  EXPECT_EQ(job.join(), nullptr);
  std::vector<int> expected;
  for (int x = 0; x < 50000; ++x) expected.push_back(x * 3);
  EXPECT_EQ(sorted(got), expected);
  EXPECT_TRUE(ch.ended());
  EXPECT_EQ(ch.recv(), std::nullopt);
  EXPECT_EQ(ch.error(), nullptr);
}

// Ping-pong through a running job: each item must come out before the next goes in, so the
// batches cannot wait for the end of the stream. In every mode that sends partial batches.
TEST_P(Channels, ItemsComeOutWhileTheJobRuns) {
  for (BatchMode mode : {BatchMode{}, BatchMode::timed(1024, 100ms), BatchMode::adaptive(1024, 20ms)}) {
    auto ctx = context();
    auto [tx, in] = ctx.stream_channel<int>(8);
    auto ch = in.batch_mode(mode).shuffle().map([](int x) { return x + 1000; }).collect_channel();
    JobThread job(ctx);
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(tx.send(i));
      EXPECT_EQ(ch.recv(), std::optional<int>(i + 1000));  // blocks until it went through
    }
    tx.close();
    EXPECT_EQ(ch.recv(), std::nullopt);
    EXPECT_EQ(job.join(), nullptr);
  }
}

TEST_P(Channels, ReaderStoppingEarlyDoesNotBlockTheJob) {
  auto ctx = context();
  auto ch = std::make_unique<ChannelReceiver<int>>(ctx.stream_par_iter(0, 400000).collect_channel());
  auto count = ctx.stream_par_iter(0, 1000).collect_count();
  JobThread job(ctx);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(ch->recv().has_value());
  ch.reset();  // stop reading: the job still runs to its end
  EXPECT_EQ(job.join(), nullptr);
  EXPECT_EQ(take(count), 1000u);
}

TEST_P(Channels, FailedJobEndsTheChannelWithItsError) {
  auto ctx = context();
  auto ch = ctx.stream_par_iter(0, 100000)
                .map([](int x) {
                  if (x == 60000) throw std::runtime_error("boom at 60000");
                  return x;
                })
                .collect_channel();
  JobThread job(ctx);
  std::size_t n = 0;
  for (int x : ch) {
    EXPECT_NE(x, 60000);
    ++n;
  }
  auto error = job.join();
  ASSERT_NE(error, nullptr);
  EXPECT_LT(n, 100000u);
  ASSERT_NE(ch.error(), nullptr);
  try {
    std::rethrow_exception(ch.error());
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "boom at 60000");
  }
}

TEST_P(Channels, StreamChannelFeedsAParallelJob) {
  constexpr int kN = 100000;
  auto ctx = context();
  auto [tx, in] = ctx.stream_channel<int>(16);
  auto sums = in.group_by_sum([](const int& x) { return x % 7; }, [](const int& x) { return static_cast<long long>(x); })
                  .collect_vec();
  std::thread feed([tx = std::move(tx)]() mutable {
    for (int i = 0; i < kN; ++i) ASSERT_TRUE(tx.send(i));
    // the last copy going out of scope closes the stream
  });
  ctx.execute_blocking();
  feed.join();
  std::map<int, long long> expected;
  for (int i = 0; i < kN; ++i) expected[i % 7] += i;
  EXPECT_EQ(to_map(take(sums)), expected);
}

TEST_P(Channels, SeveralSendersEndTheStreamWhenTheLastGoes) {
  auto ctx = context();
  auto [tx, in] = ctx.stream_channel<int>(4);
  auto out = in.shuffle().collect_vec();
  std::vector<std::thread> feeders;
  for (int t = 0; t < 3; ++t)
    feeders.emplace_back([t, copy = tx] {
      for (int i = 0; i < 1000; ++i) EXPECT_TRUE(copy.send(t * 1000 + i));
    });
  { auto drop = std::move(tx); }  // our copy goes; the feeders' copies keep the stream open
  ctx.execute_blocking();
  for (auto& f : feeders) f.join();
  EXPECT_EQ(sorted(take(out)), iota(3000));
}

TEST_P(Channels, ItemsSentAndClosedBeforeTheJobStarts) {
  auto ctx = context();
  auto [tx, in] = ctx.stream_channel<std::string>(3);
  ASSERT_TRUE(tx.send("a"));
  ASSERT_TRUE(tx.send("b"));
  ASSERT_TRUE(tx.send("c"));
  tx.close();
  EXPECT_FALSE(tx.send("d"));  // closed: refused at once
  auto out = in.collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(take(out), (std::vector<std::string>{"a", "b", "c"}));
}

// A sender blocked on a full channel while the job fails must be released (send -> false).
TEST_P(Channels, FailedJobReleasesABlockedSender) {
  auto ctx = context();
  auto [tx, in] = ctx.stream_channel<int>(2);
  in.shuffle().for_each([](int x) {
    if (x == 5) throw std::runtime_error("bad item");
  });
  std::atomic<bool> refused{false};
  std::thread feed([&refused, tx = std::move(tx)]() mutable {
    for (int i = 0; i < 1000000; ++i)
      if (!tx.send(i)) {
        refused = true;
        return;
      }
  });
  EXPECT_THROW(ctx.execute_blocking(), std::runtime_error);
  feed.join();
  EXPECT_TRUE(refused.load());
}

TEST(ChannelsConfig, ZeroCapacityThrows) {
  StreamContext ctx(RuntimeConfig::local(1));
  EXPECT_THROW(ctx.stream_channel<int>(0), std::invalid_argument);
}

}  // namespace
}  // namespace renoir::test
