// The window descriptions users pass to window() / window_all(), with Renoir's names.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <utility>

#include <renoir/core/message.hpp>

namespace renoir {

/// Event time, in the user's units (milliseconds in the examples).
using core::Timestamp;

/// Windows of `size` consecutive items per key (in arrival order), one starting every `slide`
/// items. A window closes when it is full; at end of stream the oldest open window is emitted
/// if it holds items that no emitted window held (a tumbling window's remainder), so no item is
/// lost. Sliding windows that would only repeat items already emitted are not.
struct CountWindow {
  std::size_t size;
  std::size_t slide;
  /// Windows of `size` items, a new one every `slide` items (both >= 1).
  static CountWindow sliding(std::size_t size, std::size_t slide) {
    if (size == 0 || slide == 0) throw std::invalid_argument("renoir: CountWindow needs size and slide >= 1");
    return {size, slide};
  }
  /// Windows of `size` items, back to back.
  static CountWindow tumbling(std::size_t size) { return sliding(size, size); }
};

/// Windows over event time: [s, s + size) for every s that is a multiple of `slide` (aligned on
/// 0, as Flink; Renoir starts at the first item), on a timestamped stream (add_timestamps). An
/// item is in every window that contains its timestamp; a window closes when the watermark
/// reaches its end (or at end of stream) and emits its result stamped with end - 1, so that a
/// window of the same alignment downstream puts it in the same window. Items behind their
/// source replica's watermark are late: add_timestamps counts (StreamContext::late_items) and
/// drops them, so a window never sees one.
struct EventTimeWindow {
  Timestamp size;
  Timestamp slide;
  static EventTimeWindow sliding(Timestamp size, Timestamp slide) {
    if (size <= 0 || slide <= 0) throw std::invalid_argument("renoir: EventTimeWindow needs size and slide > 0");
    return {size, slide};
  }
  static EventTimeWindow tumbling(Timestamp size) { return sliding(size, size); }
};

/// Windows over the clock of the replica that holds the window (milliseconds, aligned on
/// multiples of `slide`): an item goes into the windows of the time it arrives; a window
/// closes when the clock passes its end (checked as items arrive and every millisecond while the
/// replica is idle), or at end of stream.
struct ProcessingTimeWindow {
  std::int64_t size_ms;
  std::int64_t slide_ms;
  static ProcessingTimeWindow sliding(std::chrono::milliseconds size, std::chrono::milliseconds slide) {
    if (size.count() <= 0 || slide.count() <= 0)
      throw std::invalid_argument("renoir: ProcessingTimeWindow needs size and slide > 0 ms");
    return {size.count(), slide.count()};
  }
  static ProcessingTimeWindow tumbling(std::chrono::milliseconds size) { return sliding(size, size); }
};

/// Per key, a session of items less than `gap` apart; it closes `gap` after its last item. On a
/// timestamped stream the gap is event time (out-of-order items within the watermark are put in
/// place; a late item is counted and dropped; the result is stamped with last + gap - 1); on
/// other streams it is the clock, in milliseconds (Renoir's SessionWindow).
struct SessionWindow {
  Timestamp gap;
  /// A session gap in event-time units (or milliseconds on untimestamped streams), > 0.
  static SessionWindow with_gap(Timestamp gap) {
    if (gap <= 0) throw std::invalid_argument("renoir: SessionWindow needs a gap > 0");
    return {gap};
  }
  static SessionWindow with_gap(std::chrono::milliseconds gap) { return with_gap(Timestamp{gap.count()}); }
};

/// What a TransactionWindow's logic says after each item (the item is in the window).
struct TransactionOp {
  enum class Kind : std::uint8_t { continue_, commit, commit_after, discard };
  Kind kind = Kind::continue_;
  Timestamp after = 0;
  /// Keep the window open.
  static TransactionOp proceed() { return {}; }
  /// Emit the window now (with this item).
  static TransactionOp commit() { return {Kind::commit, 0}; }
  /// Emit the window once the watermark passes `t`; when several items of a window ask, the
  /// earliest time wins (as the first of several event-time timers fires). A later commit() or
  /// discard() still ends the window at once.
  static TransactionOp commit_after(Timestamp t) { return {Kind::commit_after, t}; }
  /// Drop the window without output.
  static TransactionOp discard() { return {Kind::discard, 0}; }
};

/// One window per key at a time, opened by its first item and closed by `logic(const V&) ->
/// TransactionOp`, called on every item (Renoir's TransactionWindow).
/// commit_after(t) fires at the first watermark past t (the earliest t its items asked for) that
/// reaches the window; watermarks ride
/// on the next batch, so items that followed the watermark at the source may join the window
/// first (use BatchMode::single() upstream for the exact source order). At end of stream, windows
/// with a pending commit_after are emitted; windows never committed are dropped, as Renoir does
/// (an open transaction is not a result).
template <class F>
struct TransactionWindow {
  F logic;
  explicit TransactionWindow(F f) : logic(std::move(f)) {}
};

}  // namespace renoir
