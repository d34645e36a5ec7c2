// ring_bench: items/s between two pinned threads through renoir::core::SpscRing (a batch of B
// items per slot, as the emitters send them) and, in the same run, through
// boost::lockfree::spsc_queue used the two natural ways: a pointer to a heap batch per slot, and
// one item per slot with bulk push/pop of B items.
//
// The producer is the benchmark thread pinned to core 0, the consumer a thread pinned to core 1
// (both on core 0 if there is only one). Every iteration sends kItemsPerIteration items and waits
// until the consumer has summed them all, so the rate is end-to-end. The consumer checks the sum.
// After the Google Benchmark table, `ring B=... ` lines give every variant side by side (median
// over --benchmark_repetitions, if given).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/lockfree/spsc_queue.hpp>

#include <renoir/core/spsc_ring.hpp>
#include <renoir/topology/hardware.hpp>

#include "bench_util.hpp"
#include "summary_reporter.hpp"

namespace {

using Batch = std::vector<std::uint64_t>;
using renoir::bench::spin_wait;

/// Slots of batches in flight: the engine's default ExecutionConfig::ring_capacity.
constexpr std::size_t kRingSlots = 16;
constexpr std::uint64_t kItemsPerIteration = std::uint64_t{1} << 20;

/// A batch [first, first + n), built the way an emitter builds it (reserve, push_back).
inline Batch make_batch(std::uint64_t first, std::size_t n) {
  Batch b;
  b.reserve(n);
  for (std::size_t i = 0; i < n; ++i) b.push_back(first + i);
  return b;
}

inline std::uint64_t sum_of(const std::uint64_t* p, std::size_t n) {
  std::uint64_t s = 0;
  for (std::size_t i = 0; i < n; ++i) s += p[i];
  return s;
}

// ---- channels: send() runs on the producer, receive() on the consumer ----

/// renoir::core::SpscRing<std::vector<uint64_t>>: the batch moves in, is read in place, and is
/// dropped by pop() (as the engine's receivers do).
class RenoirRing {
 public:
  explicit RenoirRing(std::size_t) : ring_(kRingSlots) {}
  void send(std::uint64_t first, std::size_t n) {
    Batch b = make_batch(first, n);
    unsigned spins = 0;
    while (!ring_.try_push(std::move(b))) spin_wait(spins);  // moves only on success
  }
  /// Items consumed (0: nothing there); adds them to `sum`.
  std::size_t receive(std::uint64_t& sum) {
    Batch* b = ring_.front();
    if (!b) return 0;
    const std::size_t n = b->size();
    sum += sum_of(b->data(), n);
    ring_.pop();
    return n;
  }

 private:
  renoir::core::SpscRing<Batch> ring_;
};

/// boost::lockfree::spsc_queue<std::vector<uint64_t>*>: boost copies its values, so the batch
/// travels as a pointer to a heap vector that the consumer deletes.
class BoostPtrQueue {
 public:
  explicit BoostPtrQueue(std::size_t) : q_(kRingSlots) {}
  ~BoostPtrQueue() {
    q_.consume_all([](Batch* b) { delete b; });
  }
  void send(std::uint64_t first, std::size_t n) {
    auto* b = new Batch(make_batch(first, n));
    unsigned spins = 0;
    while (!q_.push(b)) spin_wait(spins);
  }
  std::size_t receive(std::uint64_t& sum) {
    Batch* b = nullptr;
    if (!q_.pop(b)) return 0;
    const std::size_t n = b->size();
    sum += sum_of(b->data(), n);
    delete b;
    return n;
  }

 private:
  boost::lockfree::spsc_queue<Batch*> q_;
};

/// boost::lockfree::spsc_queue<uint64_t>: items one per slot, pushed with push(ptr, B) and popped
/// with pop(ptr, B) — how one batches with boost. Same items in flight as the batch rings
/// (kRingSlots * B).
class BoostBulkQueue {
 public:
  explicit BoostBulkQueue(std::size_t batch)
      : q_(kRingSlots * batch), out_(batch), in_(batch) {}
  void send(std::uint64_t first, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out_[i] = first + i;
    std::size_t done = 0;
    unsigned spins = 0;
    for (;;) {
      done += q_.push(out_.data() + done, n - done);
      if (done == n) return;
      spin_wait(spins);
    }
  }
  std::size_t receive(std::uint64_t& sum) {
    const std::size_t n = q_.pop(in_.data(), in_.size());
    sum += sum_of(in_.data(), n);
    return n;
  }

 private:
  boost::lockfree::spsc_queue<std::uint64_t> q_;
  std::vector<std::uint64_t> out_;  // producer's staging batch
  std::vector<std::uint64_t> in_;   // consumer's receive buffer
};

template <class Channel>
void BM_Ring(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  const std::uint64_t batches = std::max<std::uint64_t>(1, kItemsPerIteration / batch);
  auto channel = std::make_unique<Channel>(batch);

  struct alignas(64) Progress {
    std::atomic<std::uint64_t> consumed{0};
  };
  Progress progress;
  alignas(64) std::atomic<bool> stop{false};
  std::uint64_t consumer_sum = 0;

  std::thread consumer([&] {
    renoir::bench::ScopedPin pin(1);
    std::uint64_t sum = 0, count = 0;
    unsigned spins = 0;
    for (;;) {
      if (const std::size_t n = channel->receive(sum)) {
        count += n;
        progress.consumed.store(count, std::memory_order_release);
        spins = 0;
      } else if (stop.load(std::memory_order_acquire)) {
        break;
      } else {
        spin_wait(spins);
      }
    }
    consumer_sum = sum;
  });

  std::uint64_t sent = 0;
  {
    renoir::bench::ScopedPin pin(0);
    for (auto _ : state) {
      for (std::uint64_t i = 0; i < batches; ++i) {
        channel->send(sent, batch);
        sent += batch;
      }
      unsigned spins = 0;
      while (progress.consumed.load(std::memory_order_acquire) < sent) spin_wait(spins);
    }
  }
  stop.store(true, std::memory_order_release);
  consumer.join();

  // Sum of 0..sent-1, modulo 2^64.
  const std::uint64_t expected = sent % 2 == 0 ? (sent / 2) * (sent - 1) : sent * ((sent - 1) / 2);
  if (consumer_sum != expected) {
    state.SkipWithError("consumer sum mismatch: items lost or duplicated");
    return;
  }
  state.counters["items/s"] = benchmark::Counter(static_cast<double>(sent), benchmark::Counter::kIsRate);
  state.counters["batch"] = static_cast<double>(batch);
}

constexpr std::int64_t kBatchSizes[] = {1, 4, 16, 64, 256, 1024};

void batch_sizes(benchmark::internal::Benchmark* b) {
  for (std::int64_t n : kBatchSizes) b->Arg(n);
  b->ArgName("B")->UseRealTime()->Unit(benchmark::kMicrosecond);
}

void BM_RenoirSpscRing(benchmark::State& s) { BM_Ring<RenoirRing>(s); }
void BM_BoostSpscPtr(benchmark::State& s) { BM_Ring<BoostPtrQueue>(s); }
void BM_BoostSpscBulk(benchmark::State& s) { BM_Ring<BoostBulkQueue>(s); }
BENCHMARK(BM_RenoirSpscRing)->Apply(batch_sizes);
BENCHMARK(BM_BoostSpscPtr)->Apply(batch_sizes);
BENCHMARK(BM_BoostSpscBulk)->Apply(batch_sizes);

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

void print_summary(const renoir::bench::SummaryReporter& rep) {
  double worst_big = -1;
  bool header = false;
  for (std::int64_t b : kBatchSizes) {
    const std::string args = "B:" + std::to_string(b);
    const double ours = rep.median("BM_RenoirSpscRing", args, "items/s");
    const double ptr = rep.median("BM_BoostSpscPtr", args, "items/s");
    const double bulk = rep.median("BM_BoostSpscBulk", args, "items/s");
    if (ours == 0 && ptr == 0 && bulk == 0) continue;
    if (!header) {
      std::printf("\n# ring summary: items/s end to end (producer core 0 -> consumer core 1), median of repetitions;"
                  " ratio = renoir / boost\n");
      header = true;
    }
    std::printf("ring B=%lld renoir_items_per_s=%s boost_ptr_items_per_s=%s boost_bulk_items_per_s=%s",
                static_cast<long long>(b), fmt(ours).c_str(), fmt(ptr).c_str(), fmt(bulk).c_str());
    if (ours > 0 && ptr > 0) std::printf(" ratio_vs_boost_ptr=%.3f", ours / ptr);
    if (ours > 0 && bulk > 0) std::printf(" ratio_vs_boost_bulk=%.3f", ours / bulk);
    std::printf("\n");
    if (b >= 256 && ours > 0) worst_big = worst_big < 0 ? ours : std::min(worst_big, ours);
  }
  if (worst_big >= 0)
    std::printf("ring target renoir_min_items_per_s_at_B_ge_256=%s target=1e+08 %s\n", fmt(worst_big).c_str(),
                worst_big >= 1e8 ? "met" : "missed");
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::printf("# ring_bench: %zu cores, ring slots %zu, %llu items per iteration\n", renoir::topology::core_count(),
              kRingSlots, static_cast<unsigned long long>(kItemsPerIteration));
  std::fflush(stdout);
  renoir::bench::SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  std::fflush(stdout);
  print_summary(reporter);
  return 0;
}
