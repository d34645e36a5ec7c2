// Nexmark q5 end-to-end latency at a fixed input rate: events are released on a wall-clock
// schedule (event i at t0 + i / rate); a window result's latency is the time from the release
// of the first event at or past the window's end (the event whose watermark closes it) to the
// result reaching the sink. Prints p50 / p99 / p99.9 in microseconds, with BatchMode::adaptive.
//
//   nexmark_latency [--local N] [--rate EVENTS_PER_S] [--seconds S] [--every W]
// (--every: a watermark every W events per source replica; default 16).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <renoir/renoir.hpp>

#include "nexmark/queries.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

/// Replica r of k releases events r, r + k, ... on schedule; while ahead of it, it flushes
/// its partial batches (at most every 20 us) and spins.
struct PacedEvents {
  using value_type = nexmark::Event;
  std::uint64_t n, seed;
  double rate;
  std::shared_ptr<std::atomic<std::int64_t>> t0;  // release time of event 0, set by the first replica

  renoir::Replication replication() const { return renoir::Replication::unlimited(); }

  template <class Chain>
  void run(Chain& chain, const renoir::core::ReplicaContext& rc) const {
    std::int64_t expected = 0;
    t0->compare_exchange_strong(expected, now_ns() + 20'000'000);  // 20 ms to let every replica start
    const std::int64_t start = t0->load();
    const double ns_per_event = 1e9 / rate;
    std::int64_t last_flush = 0;
    for (std::uint64_t i = rc.info.index; i < n; i += rc.info.replicas) {
      const std::int64_t due = start + static_cast<std::int64_t>(static_cast<double>(i) * ns_per_event);
      for (std::int64_t t = now_ns(); t < due; t = now_ns()) {
        if (t - last_flush > 20'000) {
          chain.flush();
          last_flush = t;
        }
      }
      chain.push(nexmark::event_at(seed, i));
      if ((i & 4095) == 0) rc.run->throw_if_cancelled();
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::size_t local = 2;
  double rate = 1e6, seconds = 10;
  std::size_t every = 16;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--local") local = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--rate") rate = std::strtod(argv[i + 1], nullptr);
    else if (a == "--seconds") seconds = std::strtod(argv[i + 1], nullptr);
    else if (a == "--every") every = std::strtoull(argv[i + 1], nullptr, 10);
    else {
      std::fprintf(stderr, "usage: nexmark_latency [--local N] [--rate EVENTS_PER_S] [--seconds S] [--every W]\n");
      return 2;
    }
  }
  if (local == 0 || rate <= 0 || seconds <= 0 || every == 0) {
    std::fprintf(stderr, "nexmark_latency: --local, --rate, --seconds and --every must be positive\n");
    return 2;
  }
  const auto n = static_cast<std::uint64_t>(rate * seconds);
  auto t0 = std::make_shared<std::atomic<std::int64_t>>(0);
  std::mutex m;
  std::vector<double> latencies_us;
  std::uint64_t rows = 0;
  {
    renoir::StreamContext ctx(renoir::RuntimeConfig::local(local));
    auto events = ctx.stream(PacedEvents{n, 42, rate, t0})
                      .batch_mode(renoir::BatchMode::adaptive(1024, std::chrono::milliseconds(1)))
                      .add_timestamps([](const nexmark::Event& e) { return renoir::Timestamp(e.timestamp()); },
                                      renoir::BoundedOutOfOrder{0, every});
    const double ns_per_event = 1e9 / rate;
    nexmark::jobs::q5(events).for_each([&](const nexmark::Q5Row& r) {
      const std::int64_t arrived = now_ns();
      // Event i has event time i ms: the first event at or past the window end is event `end`.
      const auto closing = static_cast<double>(std::min<std::int64_t>(r.window_end, static_cast<std::int64_t>(n) - 1));
      const double released = static_cast<double>(t0->load()) + closing * ns_per_event;
      std::lock_guard lock(m);
      ++rows;
      if (r.window_end < static_cast<std::int64_t>(n)) latencies_us.push_back((static_cast<double>(arrived) - released) / 1e3);
    });
    ctx.execute_blocking();
  }
  std::sort(latencies_us.begin(), latencies_us.end());
  const auto pct = [&](double p) {
    if (latencies_us.empty()) return 0.0;
    return latencies_us[std::min(latencies_us.size() - 1, static_cast<std::size_t>(p * static_cast<double>(latencies_us.size())))];
  };
  std::printf("nexmark_latency q5 local=%zu rate=%.0f events/s events=%llu rows=%llu samples=%zu p50_us=%.1f p99_us=%.1f "
              "p99.9_us=%.1f max_us=%.1f\n",
              local, rate, static_cast<unsigned long long>(n), static_cast<unsigned long long>(rows), latencies_us.size(),
              pct(0.5), pct(0.99), pct(0.999), latencies_us.empty() ? 0.0 : latencies_us.back());
  return 0;
}
