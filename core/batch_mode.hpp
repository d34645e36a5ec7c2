// When an emitter hands a batch to the next block: by size, or by size and time.
#pragma once
#include <chrono>
#include <cstddef>
#include <stdexcept>

namespace renoir::core {

/// Batching policy of a block's outputs, as in Renoir. `fixed(n)` sends a batch when it holds
/// n items (or at the end of the stream); `adaptive(n, d)` also sends a partial batch once it is
/// older than d, and whenever the block runs out of input; `single()` sends every item alone.
struct BatchMode {
  std::size_t size = 1024;
  std::chrono::nanoseconds max_delay = std::chrono::milliseconds(50);  ///< zero: no time limit

  static BatchMode fixed(std::size_t n) {
    if (n == 0) throw std::invalid_argument("BatchMode::fixed(0): a batch holds at least one item");
    return {n, std::chrono::nanoseconds::zero()};
  }
  static BatchMode adaptive(std::size_t n, std::chrono::nanoseconds max_delay) {
    if (n == 0) throw std::invalid_argument("BatchMode::adaptive(0, ...): a batch holds at least one item");
    if (max_delay <= std::chrono::nanoseconds::zero())
      throw std::invalid_argument("BatchMode::adaptive: max_delay must be positive");
    return {n, max_delay};
  }
  static BatchMode single() { return {1, std::chrono::nanoseconds::zero()}; }

  bool timed() const { return max_delay > std::chrono::nanoseconds::zero(); }
};

}  // namespace renoir::core
