// Credit accounting for flow control: per peer, how many data frames we may still send to it
// and how many of its frames we consumed without returning the credit yet.
#pragma once

#include <cstdint>
#include <vector>

#include "renoir/transport/transport.hpp"

namespace renoir::transport::detail {

/// Not thread-safe: the owning transport serializes calls. A sender starts with `window`
/// credits per receiver and spends one per data frame; the receiver hands credits back in
/// batches of at least `window / 4` once the user has consumed the frames. A blocked sender
/// has `window` frames unreturned, so at least 3/4 of them are still unconsumed: the receiver
/// will poll them and cross the batch threshold, hence no deadlock while it keeps polling.
class CreditLedger {
 public:
  CreditLedger(std::size_t num_peers, std::uint32_t window);

  /// Sender: takes one credit for a frame to `to`; false if none is left.
  bool try_acquire(PeerId to);
  /// Sender: gives back a credit taken for a frame that was not sent after all.
  void refund(PeerId to) { grant(to, 1); }
  /// Sender: `to` returned `n` credits (clamped to the window, a peer cannot inflate it).
  void grant(PeerId to, std::uint32_t n);
  /// Receiver: the user consumed one frame from `from`.
  void consumed(PeerId from) { ++unreturned_[from]; }
  /// Receiver: how many credits to return to `from` now (0 below the batch threshold, or with
  /// `force` only if none are pending); resets the pending count.
  std::uint32_t take_returnable(PeerId from, bool force = false);

  std::uint32_t available(PeerId to) const { return available_[to]; }
  std::uint32_t window() const { return window_; }

 private:
  std::vector<std::uint32_t> available_;
  std::vector<std::uint32_t> unreturned_;
  std::uint32_t window_;
  std::uint32_t threshold_;
};

}  // namespace renoir::transport::detail
