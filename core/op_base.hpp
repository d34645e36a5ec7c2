// Base of fused operators: forwards the control part of the element protocol downstream.
#pragma once
#include <renoir/core/message.hpp>

namespace renoir::core {

/// A fused operator receives `push(item)` for each item and the control calls below; operators
/// are plain structs composed by value, `Next` being the rest of the chain, so the compiler sees
/// the whole block as straight-line code. Stateful operators override `restart()` and `end()`
/// to emit what they hold before forwarding.
template <class Next>
struct Forward {
  Next next;

  /// Send partial batches now (latency): called when the block runs out of input.
  void flush() { next.flush(); }
  /// No item with a smaller timestamp follows.
  void watermark(Timestamp t) { next.watermark(t); }
  /// End of one round of an iteration: emit state, reset it.
  void restart() { next.restart(); }
  /// End of the stream: emit state; nothing follows.
  void end() { next.end(); }
};

}  // namespace renoir::core
