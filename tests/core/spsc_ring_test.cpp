// SpscRing (core/spsc_ring.hpp): FIFO order, capacity, full/empty, moves, a 2-thread stress test.
#include <renoir/core/spsc_ring.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace renoir::core {
namespace {

TEST(SpscRing, CapacityIsAPowerOfTwoAtLeastTwo) {
  EXPECT_EQ(SpscRing<int>(0).capacity(), 2u);
  EXPECT_EQ(SpscRing<int>(1).capacity(), 2u);
  EXPECT_EQ(SpscRing<int>(2).capacity(), 2u);
  EXPECT_EQ(SpscRing<int>(3).capacity(), 4u);
  EXPECT_EQ(SpscRing<int>(16).capacity(), 16u);
  EXPECT_EQ(SpscRing<int>(17).capacity(), 32u);
  EXPECT_EQ(SpscRing<int>(1000).capacity(), 1024u);
}

TEST(SpscRing, EmptyThenFullThenEmpty) {
  SpscRing<int> ring(8);
  EXPECT_TRUE(ring.empty());
  EXPECT_FALSE(ring.full());
  EXPECT_EQ(ring.front(), nullptr);
  for (int i = 0; i < 8; ++i) {
    EXPECT_FALSE(ring.full()) << i;
    int v = i;
    EXPECT_TRUE(ring.try_push(std::move(v))) << i;
    EXPECT_FALSE(ring.empty());
  }
  EXPECT_TRUE(ring.full());
  int extra = 99;
  EXPECT_FALSE(ring.try_push(std::move(extra)));
  for (int i = 0; i < 8; ++i) {
    ASSERT_NE(ring.front(), nullptr);
    EXPECT_EQ(*ring.front(), i);
    ring.pop();
    EXPECT_FALSE(ring.full());
  }
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.front(), nullptr);
}

TEST(SpscRing, FifoAcrossManyWrapArounds) {
  SpscRing<int> ring(4);
  std::vector<int> expected, got;
  int next = 0;
  // Push and pop in uneven steps so the indices wrap many times at every offset.
  for (int round = 0; round < 1000; ++round) {
    const int pushes = round % 5;
    for (int k = 0; k < pushes; ++k) {
      int v = next;
      if (!ring.try_push(std::move(v))) break;
      expected.push_back(next++);
    }
    const int pops = (round * 7) % 4;
    for (int k = 0; k < pops && ring.front(); ++k) {
      got.push_back(*ring.front());
      ring.pop();
    }
  }
  while (ring.front()) {
    got.push_back(*ring.front());
    ring.pop();
  }
  EXPECT_EQ(got, expected);
  EXPECT_GT(next, 1000);
}

TEST(SpscRing, FrontIsReadInPlaceAndStaysUntilPop) {
  SpscRing<std::string> ring(2);
  EXPECT_TRUE(ring.try_push(std::string("first")));
  EXPECT_TRUE(ring.try_push(std::string("second")));
  std::string* f = ring.front();
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(*f, "first");
  EXPECT_EQ(ring.front(), f);  // same slot until pop
  f->append("!");              // consumer may modify (e.g. move the batch out) in place
  EXPECT_EQ(*ring.front(), "first!");
  ring.pop();
  EXPECT_EQ(*ring.front(), "second");
}

TEST(SpscRing, MovesValuesInAndOut) {
  SpscRing<std::unique_ptr<int>> ring(4);
  auto p = std::make_unique<int>(7);
  int* raw = p.get();
  EXPECT_TRUE(ring.try_push(std::move(p)));
  EXPECT_EQ(p, nullptr);  // moved in
  std::unique_ptr<int> out = std::move(*ring.front());
  EXPECT_EQ(out.get(), raw);  // the same object, never copied
  ring.pop();
  EXPECT_TRUE(ring.empty());
}

TEST(SpscRing, FailedPushDoesNotMoveTheValue) {
  SpscRing<std::vector<int>> ring(2);
  EXPECT_TRUE(ring.try_push(std::vector<int>{1}));
  EXPECT_TRUE(ring.try_push(std::vector<int>{2}));
  std::vector<int> batch{3, 4, 5};
  EXPECT_FALSE(ring.try_push(std::move(batch)));
  EXPECT_EQ(batch, (std::vector<int>{3, 4, 5}));  // still ours: can retry later
  ring.pop();
  EXPECT_TRUE(ring.try_push(std::move(batch)));
  EXPECT_EQ(*ring.front(), std::vector<int>{2});
  ring.pop();
  EXPECT_EQ(*ring.front(), (std::vector<int>{3, 4, 5}));
}

// A popped value stays in its slot until the producer reuses the slot (so a batch is freed by
// the thread that allocated it) or the ring is destroyed: never leaked, never freed twice.
TEST(SpscRing, PoppedPayloadIsReleasedOnSlotReuseOrDestruction) {
  auto shared = std::make_shared<int>(1);
  {
    SpscRing<std::shared_ptr<int>> ring(2);
    EXPECT_TRUE(ring.try_push(std::shared_ptr<int>(shared)));
    EXPECT_EQ(shared.use_count(), 2);
    ring.pop();
    EXPECT_LE(shared.use_count(), 2);
    EXPECT_TRUE(ring.try_push(std::make_shared<int>(2)));  // slot 1
    EXPECT_TRUE(ring.try_push(std::make_shared<int>(3)));  // slot 0 again: old payload gone
    EXPECT_EQ(shared.use_count(), 1);
    EXPECT_TRUE(ring.front() && **ring.front() == 2);
    EXPECT_TRUE(ring.try_push(std::shared_ptr<int>(shared)) == false);  // full
    ring.pop();
    EXPECT_TRUE(ring.try_push(std::shared_ptr<int>(shared)));
    EXPECT_EQ(shared.use_count(), 2);
  }
  EXPECT_EQ(shared.use_count(), 1);  // the destructor releases what is left
}

// One producer, one consumer, 10M items through a small ring: order and sum are preserved.
TEST(SpscRing, TwoThreadStress) {
  constexpr std::uint64_t kItems = 2'000'000;  // 10M took over 60 s beside CPU hogs (a yield per full/empty ring)
  SpscRing<std::uint64_t> ring(64);
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < kItems;) {
      std::uint64_t v = i * 3 + 1;
      if (ring.try_push(std::move(v)))
        ++i;
      else
        std::this_thread::yield();
    }
  });
  std::uint64_t received = 0, sum = 0, expected_sum = 0;
  bool in_order = true;
  while (received < kItems) {
    std::uint64_t* v = ring.front();
    if (!v) {
      std::this_thread::yield();
      continue;
    }
    in_order &= (*v == received * 3 + 1);
    sum += *v;
    ring.pop();
    ++received;
  }
  producer.join();
  for (std::uint64_t i = 0; i < kItems; ++i) expected_sum += i * 3 + 1;
  EXPECT_TRUE(in_order);
  EXPECT_EQ(sum, expected_sum);
  EXPECT_TRUE(ring.empty());
}

// The same with heap-owning values (batches): nothing lost, nothing duplicated.
TEST(SpscRing, TwoThreadStressWithBatches) {
  constexpr int kBatches = 200'000;
  SpscRing<std::vector<int>> ring(16);
  std::thread producer([&] {
    for (int i = 0; i < kBatches;) {
      std::vector<int> batch{i, -i, i % 7};
      while (!ring.try_push(std::move(batch))) std::this_thread::yield();
      ++i;
    }
  });
  int received = 0;
  bool ok = true;
  while (received < kBatches) {
    std::vector<int>* b = ring.front();
    if (!b) {
      std::this_thread::yield();
      continue;
    }
    ok &= (*b == std::vector<int>{received, -received, received % 7});
    ring.pop();
    ++received;
  }
  producer.join();
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace renoir::core
