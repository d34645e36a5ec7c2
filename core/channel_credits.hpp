// Flow control per channel between hosts: a sender may have a bounded number of batches of one
// channel that its receiver has not yet taken into the channel's ring.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace renoir::core {

/// Credits of the channels this host sends on. The transport's credits are per host pair, and
/// the receiving host reads every message as it arrives (it never stops reading for one slow
/// channel: that would hold back the credits of the others, and two hosts each waiting on the
/// other is a deadlock). Per channel, the bound comes from here: a sender spends one credit per
/// batch and the receiver returns it once the batch is in the ring, so at most kWindow batches
/// of one channel ever wait outside it.
class ChannelCredits {
 public:
  static constexpr std::uint32_t kWindow = 16;

  /// Before the job runs: `channels` ids, [0, channels).
  void resize(std::size_t channels) {
    slots_ = std::make_unique<Slot[]>(channels);
    size_ = channels;
  }
  std::size_t size() const { return size_; }

  /// Spends a credit of `channel`, if it has one. Called by the channel's one sender thread.
  bool try_take(std::uint32_t channel) {
    Slot& s = slots_[channel];
    // Acquire pairs with grant(): nothing else is published through it, but it keeps the
    // count exact under any interleaving. Wrapping arithmetic: granted runs ahead of sent.
    if (static_cast<std::int32_t>(s.granted.load(std::memory_order_acquire) - s.sent) <= 0) return false;
    ++s.sent;
    return true;
  }
  /// `n` batches of `channel` reached the receiver's ring. Called by the network thread.
  void grant(std::uint32_t channel, std::uint32_t n) {
    slots_[channel].granted.fetch_add(n, std::memory_order_release);
  }

 private:
  struct alignas(64) Slot {  // one cache line per channel: senders on different cores
    std::uint32_t sent = 0;
    std::atomic<std::uint32_t> granted{kWindow};
  };
  std::unique_ptr<Slot[]> slots_;
  std::size_t size_ = 0;
};

}  // namespace renoir::core
