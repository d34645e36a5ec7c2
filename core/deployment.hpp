// Resolved shape of a job for one execution: where every replica runs, parking spots, channels.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include <renoir/core/network.hpp>
#include <renoir/core/parker.hpp>
#include <renoir/core/placement.hpp>

namespace renoir::core {

/// Receives the serialized messages of one remote channel into its ring (see Gate).
class Inbox {
 public:
  virtual ~Inbox() = default;
  /// Deserializes one message (in place: `bytes` is the transport's receive buffer) and hands
  /// it to the ring, or keeps it if the ring is full. One virtual call per batch.
  virtual void deliver(std::span<const std::byte> bytes) = 0;
  /// Moves kept messages into the ring; returns how many are still waiting.
  virtual std::size_t drain() = 0;
  /// How many messages went into the ring since the last call.
  virtual std::uint32_t take_moved() = 0;
};

/// A remote channel's inbox and the host its sender runs on.
struct RemoteInlet {
  std::size_t sender_host;
  std::unique_ptr<Inbox> inbox;
};

/// Per-execution state of one gate (its rings in this process).
struct GateInstance {
  virtual ~GateInstance() = default;
};

/// Built by the executor once the placement is known; gates read it to create their rings, and
/// register an inbox for every channel that arrives from another host.
class Deployment {
 public:
  Deployment(std::vector<std::vector<core::ReplicaPlacement>> placement, std::size_t this_host,
             std::size_t ring_capacity, Network* network)
      : placement_(std::move(placement)), this_host_(this_host), ring_capacity_(ring_capacity), network_(network) {
    for (const auto& block : placement_) parkers_.emplace_back(std::make_unique<Parker[]>(block.size()));
  }

  std::size_t blocks() const { return placement_.size(); }
  std::size_t replicas(std::size_t block) const { return placement_.at(block).size(); }
  const core::ReplicaPlacement& placement(std::size_t block, std::size_t replica) const {
    return placement_.at(block).at(replica);
  }
  std::size_t host_of(std::size_t block, std::size_t replica) const { return placement(block, replica).host; }
  bool is_local(std::size_t block, std::size_t replica) const { return host_of(block, replica) == this_host_; }
  std::size_t this_host() const { return this_host_; }

  Parker& parker(std::size_t block, std::size_t replica) const { return parkers_.at(block)[replica]; }
  /// Parks the thread that delivers remote messages (it is the producer of inbox rings).
  Parker& network_parker() const { return network_parker_; }
  std::size_t ring_capacity() const { return ring_capacity_; }
  Network* network() const { return network_; }

  /// Reserves `n` consecutive channel ids (called in the same order by every process).
  std::uint32_t allocate_channels(std::size_t n) {
    const std::uint32_t base = next_channel_;
    next_channel_ += static_cast<std::uint32_t>(n);
    return base;
  }
  std::uint32_t channels() const { return next_channel_; }
  void register_inbox(std::uint32_t channel, std::size_t sender_host, std::unique_ptr<Inbox> inbox) {
    if (!network_) throw std::logic_error("renoir: a remote channel in a job without network");
    inboxes_.emplace(channel, RemoteInlet{sender_host, std::move(inbox)});
  }
  Inbox* inbox(std::uint32_t channel) const {
    auto it = inboxes_.find(channel);
    return it == inboxes_.end() ? nullptr : it->second.inbox.get();
  }
  bool has_inboxes() const { return !inboxes_.empty(); }

  void set_gate(std::size_t gate, std::unique_ptr<GateInstance> state) {
    if (gates_.size() <= gate) gates_.resize(gate + 1);
    gates_[gate] = std::move(state);
  }
  const GateInstance& gate(std::size_t gate) const { return *gates_.at(gate); }
  const std::unordered_map<std::uint32_t, RemoteInlet>& inboxes() const { return inboxes_; }

  std::vector<Parker*> all_parkers() const {
    std::vector<Parker*> out{&network_parker_};
    for (std::size_t b = 0; b < placement_.size(); ++b)
      for (std::size_t r = 0; r < placement_[b].size(); ++r) out.push_back(&parkers_[b][r]);
    return out;
  }

 private:
  std::vector<std::vector<core::ReplicaPlacement>> placement_;
  std::size_t this_host_;
  std::size_t ring_capacity_;
  Network* network_;
  std::vector<std::unique_ptr<Parker[]>> parkers_;
  mutable Parker network_parker_;
  std::uint32_t next_channel_ = 0;
  std::unordered_map<std::uint32_t, RemoteInlet> inboxes_;
  std::vector<std::unique_ptr<GateInstance>> gates_;
};

}  // namespace renoir::core
