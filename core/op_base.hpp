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

/// Base of the stateful operators that hold items until a round or the stream ends (fold,
/// reduce, their keyed forms, sorted_by, sorted_limit): at restart() and end(), `Derived::emit()`
/// pushes what it holds downstream and resets; then the call goes on down the chain.
template <class Derived, class Next>
struct EmitAtBoundary : Forward<Next> {
  void restart() {
    static_cast<Derived&>(*this).emit();
    this->next.restart();
  }
  void end() {
    static_cast<Derived&>(*this).emit();
    this->next.end();
  }
};

/// What every stage of a fused chain provides besides push(item): the control calls of the
/// element protocol. Checked on each block's built chain.
template <class S>
concept ChainStage = requires(S& s, Timestamp t) {
  s.flush();
  s.watermark(t);
  s.restart();
  s.end();
};

}  // namespace renoir::core
