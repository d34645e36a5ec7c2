// When an emitter hands a batch to the next block: by size, or by size and time.
#pragma once
#include <chrono>
#include <cstddef>
#include <stdexcept>

namespace renoir::core {

/// Batching policy of a block's outputs, as in Renoir.
/// - `fixed(n)` sends a batch when it holds n items (or at the end of the stream);
/// - `adaptive(n, d)` also sends a partial batch once it is older than d (checked as items
///   arrive), and whenever the block runs out of input;
/// - `timed(n, d)` (Renoir's default, `timed(1024, 100ms)`): a partial batch goes out at most
///   about d after the previous send even if no further item arrives. Renoir flushes it from a
///   background timer; here the replica does it itself (no lock per item): as items arrive, and
///   as soon as its input runs dry, so timed and adaptive batch the same way in this engine
///   (Renoir's adaptive checks the time only as items arrive). A replica busy in one long user
///   call sends its partial batch when that call returns;
/// - `single()` sends every item alone.
/// The default, `BatchMode{}`, is adaptive(1024, 50 ms).
struct BatchMode {
  /// The policies above; `kind` only tells them apart, `size` and `max_delay` drive batching.
  enum class Kind { fixed, adaptive, timed, single };

  std::size_t size = 1024;
  std::chrono::nanoseconds max_delay = std::chrono::milliseconds(50);  ///< zero: no time limit
  Kind kind = Kind::adaptive;

  static BatchMode fixed(std::size_t n) {
    if (n == 0) throw std::invalid_argument("BatchMode::fixed(0): a batch holds at least one item");
    return {n, std::chrono::nanoseconds::zero(), Kind::fixed};
  }
  static BatchMode adaptive(std::size_t n, std::chrono::nanoseconds max_delay) {
    if (n == 0) throw std::invalid_argument("BatchMode::adaptive(0, ...): a batch holds at least one item");
    if (max_delay <= std::chrono::nanoseconds::zero())
      throw std::invalid_argument("BatchMode::adaptive: max_delay must be positive");
    return {n, max_delay, Kind::adaptive};
  }
  /// Renoir's `BatchMode::timed(size, interval)`: batches of up to `size` items, a partial one
  /// sent at most about `interval` after the previous send.
  static BatchMode timed(std::size_t size, std::chrono::nanoseconds interval) {
    if (size == 0) throw std::invalid_argument("BatchMode::timed(0, ...): a batch holds at least one item");
    if (interval <= std::chrono::nanoseconds::zero())
      throw std::invalid_argument("BatchMode::timed: the interval must be positive");
    return {size, interval, Kind::timed};
  }
  static BatchMode single() { return {1, std::chrono::nanoseconds::zero(), Kind::single}; }

  /// True if partial batches are sent by time (adaptive and timed), not only when full.
  bool has_max_delay() const { return max_delay > std::chrono::nanoseconds::zero(); }

  friend bool operator==(const BatchMode&, const BatchMode&) = default;
};

}  // namespace renoir::core
