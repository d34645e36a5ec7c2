// An in-memory network between simulated hosts of one process (tests, RuntimeConfig::simulated).
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include <renoir/core/network.hpp>

namespace renoir::core {

/// Mailboxes of every simulated host; at most `credits` messages in flight per (sender,
/// receiver) pair, so backpressure across hosts behaves as over a real transport.
class MemoryNetwork {
 public:
  MemoryNetwork(std::size_t hosts, std::size_t credits);

  /// The endpoint of `host` (owned by the network).
  Network& endpoint(std::size_t host) { return *endpoints_.at(host); }
  /// Messages sent so far.
  std::size_t sent() const;

 private:
  class Endpoint;
  struct Packet {
    std::size_t from;
    std::uint32_t channel;
    std::vector<std::byte> bytes;
  };
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::deque<Packet>> boxes_;
  std::vector<std::size_t> in_flight_;
  std::size_t credits_;
  std::size_t sent_ = 0;
  std::vector<std::unique_ptr<Network>> endpoints_;
};

}  // namespace renoir::core
