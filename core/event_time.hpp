// The event time of the item being pushed through a replica's chain, kept beside the chain.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <vector>

#include <renoir/core/message.hpp>

namespace renoir::core {

namespace detail {
/// One replica runs on one thread and pushes one item at a time, so the timestamp of the item
/// in flight is a per-thread value: whoever starts an item (a receiver unpacking a timestamped
/// batch, add_timestamps, a window emitting a result) sets it, and the operators of the chain
/// and the emitter at its end read it. Untimestamped streams never touch it, so items carry no
/// timestamp field through operators that do not care.
inline thread_local Timestamp item_timestamp = 0;
}  // namespace detail

/// The event time of the item being pushed on this thread (meaningful in timestamped streams).
inline Timestamp current_timestamp() noexcept { return detail::item_timestamp; }
/// Sets the event time of the next item pushed on this thread.
inline void set_current_timestamp(Timestamp t) noexcept { detail::item_timestamp = t; }

/// The late items one replica of an operator dropped: counted per item, added to the job's total
/// and reported once on stderr at the end (a count, never the items).
struct LateItems {
  std::shared_ptr<std::atomic<std::uint64_t>> total;
  std::uint64_t count = 0;

  /// Adds the count to the total and says who dropped them, if any; `what` names the operator.
  void report(const char* what) {
    if (count == 0) return;
    total->fetch_add(count, std::memory_order_relaxed);
    std::fprintf(stderr, "renoir: %s dropped %llu late items (event time behind the watermark)\n", what,
                 static_cast<unsigned long long>(count));
    count = 0;
  }
};

/// The smallest watermark: nothing promised yet.
inline constexpr Timestamp no_watermark = std::numeric_limits<Timestamp>::min();
/// The watermark that closes everything (end of stream).
inline constexpr Timestamp final_watermark = std::numeric_limits<Timestamp>::max();

}  // namespace renoir::core

namespace renoir::core {

/// Operators that act on the clock (processing-time windows) register here, on their replica's
/// thread, from their first item on; while any is registered, an idle replica wakes every
/// millisecond to fire them. One indirect call per timer and wake-up, never per item.
struct ReplicaTimer {
  void* self;
  void (*fire)(void*);
};

namespace detail {
inline thread_local std::vector<ReplicaTimer> replica_timers;
}  // namespace detail

inline void add_replica_timer(ReplicaTimer t) { detail::replica_timers.push_back(t); }
inline void remove_replica_timer(void* self) {
  auto& ts = detail::replica_timers;
  ts.erase(std::remove_if(ts.begin(), ts.end(), [&](const ReplicaTimer& t) { return t.self == self; }), ts.end());
}
inline bool has_replica_timers() noexcept { return !detail::replica_timers.empty(); }
inline void fire_replica_timers() {
  const auto timers = detail::replica_timers;  // a timer may emit into a chain that registers another
  for (const ReplicaTimer& t : timers) t.fire(t.self);
}

}  // namespace renoir::core
