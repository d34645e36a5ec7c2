// The element protocol between blocks: typed messages carrying batches and control markers.
#pragma once
#include <cstdint>
#include <vector>

namespace renoir::core {

/// Event time, in user-defined units (watermarks and timestamps use the same scale).
using Timestamp = std::int64_t;

/// A batch's `timestamp` when no watermark rides on it (the smallest Timestamp).
inline constexpr Timestamp no_batch_watermark = INT64_MIN;

/// What a message on a channel carries. Every sender replica ends its life on a channel with
/// exactly one `terminate`; `flush_and_restart` closes one round of an iterative computation
/// (a feedback edge sends it once per round), and `watermark` promises that no item with a
/// smaller timestamp follows from that sender.
enum class MessageKind : std::uint8_t { batch, watermark, flush_and_restart, terminate };

/// One message on a channel: a batch of items, or a control marker.
template <class T>
struct Message {
  MessageKind kind = MessageKind::batch;
  /// The watermark's value for `watermark`; for `batch`, a watermark that follows the batch's
  /// items (piggybacked: one message instead of two), or `no_batch_watermark`.
  Timestamp timestamp = no_batch_watermark;
  std::vector<T> items;     ///< the batch for `batch`, empty otherwise
  /// The items' timestamps, parallel to `items`, in timestamped streams only: streams without
  /// event time carry no per-item field.
  std::vector<Timestamp> stamps;
};

}  // namespace renoir::core
