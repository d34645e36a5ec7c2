// The engine's link to the other hosts of a job: data batches, channel credits and the end-of-job
// barrier, straight over one transport::Transport (a peer per host). Simulated hosts of one
// process use the in-process transport, so every multi-host run takes this same path.
#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include <renoir/core/channel_credits.hpp>
#include <renoir/core/run_state.hpp>
#include <renoir/transport/transport.hpp>

namespace renoir::core {

/// A channel is one (sender replica, receiver replica) edge of a gate; ids are assigned
/// identically by every process (see Deployment). One Network per process; replica threads
/// send, the network thread receives.
class Network {
 public:
  explicit Network(transport::Transport& t) : t_(t) {}

  /// Before the job runs: the number of channels (ids [0, channels)).
  void prepare(std::uint32_t channels);
  /// Sends `bytes` on `channel` to `host`. Waits while the channel or the link has no credit
  /// left (the receiver is slow); throws Cancelled if `run` gets cancelled meanwhile. Called by
  /// the channel's one sender thread; senders of different channels do not wait for each other
  /// here (the transport may still serialize them).
  void send(std::size_t host, std::uint32_t channel, std::span<const std::byte> bytes, const RunState& run);
  /// Receiving side, network thread: `n` messages of `channel`, sent by `host`, are in their
  /// ring; their channel credits go back (batched, by flush_consumed()).
  void consumed(std::size_t host, std::uint32_t channel, std::uint32_t n);
  /// Sends the credits consumed() collected. Never blocks: what cannot leave now stays queued.
  void flush_consumed();
  /// Network thread: hands each received data message to `on_data(channel, payload)`, where
  /// `payload` is the transport's receive buffer itself (valid during the call: decode it in
  /// place), and handles the control messages. Waits up to `timeout` for a first message.
  /// Returns how many messages were handled; 0 if none came.
  template <class OnData>
  std::size_t receive(OnData&& on_data, std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) {
    auto handle = [&](const transport::DeliveryView& m) {
      if (const auto whole = take_data(m)) on_data(m.channel, *whole);
    };
    return timeout.count() > 0 ? t_.wait_each(handle, timeout, kReceiveBatch) : t_.poll_each(handle, kReceiveBatch);
  }
  /// Called by the network thread a few times per second: `status` says what this host is
  /// doing, for the other hosts (see Transport::set_status); prints what went wrong since the
  /// last call (rejected frames, lost messages).
  void tick(std::string_view status);

  /// End of this process's part of the job: tells every other host, then waits until every
  /// other host said the same, and until what we sent has left. A host's last batches reach
  /// their receivers before its "finished" (order is kept per pair), so no process exits while
  /// another may still need data from it. Throws std::runtime_error after `timeout`.
  void finish(std::size_t hosts, std::size_t self, std::chrono::milliseconds timeout);

  /// Data messages sent so far (all channels).
  std::size_t sent() const { return sent_.load(std::memory_order_relaxed); }

 private:
  /// What a message is, in the transport's tag: the engine's data, and its control messages.
  enum Tag : transport::Tag {
    kData = 0,      ///< a message of the element protocol (core/wire.hpp), or the last part of one
    kCredits = 1,   ///< returned channel credits: (channel, count) pairs of little-endian u32
    kFinished = 2,  ///< the sender finished its part of the job (empty)
    kDataPart = 3,  ///< a part of a message larger than the transport's max_message_size; the
                    ///< parts of one channel arrive in order, its last part is a kData
  };
  static constexpr std::size_t kReceiveBatch = 64;

  /// The data message that `m` is or completes (its parts joined), or nothing if `m` was a
  /// control message or a part. Throws transport::DecodeError on a malformed control message.
  std::optional<std::span<const std::byte>> take_data(const transport::DeliveryView& m);
  void log_errors();

  transport::Transport& t_;
  std::vector<bool> finished_;  // hosts that told us they finished
  std::size_t finished_count_ = 0;
  ChannelCredits credits_;                             // of the channels we send on
  std::vector<std::vector<std::uint32_t>> returning_;  // [host]: (channel, n) pairs to send
  // Parts received of large messages, by (host << 32 | channel); `joined_` holds the last one
  // joined while it is handed out (network thread only).
  boost::unordered_flat_map<std::uint64_t, std::vector<std::byte>> parts_;
  std::vector<std::byte> joined_;
  std::atomic<std::size_t> sent_{0};
};

}  // namespace renoir::core
