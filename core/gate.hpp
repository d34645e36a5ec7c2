// The typed input of a block: one SPSC ring per (sender replica, receiver replica) pair.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <renoir/core/deployment.hpp>
#include <renoir/core/message.hpp>
#include <renoir/core/spsc_ring.hpp>
#include <renoir/core/wire.hpp>

namespace renoir::core {

/// Untyped part of a gate: who sends into it (one port per sending block, so that merges and
/// feedback edges are just more ports) and which block receives from it.
class GateBase {
 public:
  virtual ~GateBase() = default;

  /// Registers a sending block; returns its port.
  std::size_t add_sender(std::size_t block) {
    senders_.push_back(block);
    return senders_.size() - 1;
  }
  void set_receiver(std::size_t block) {
    if (receiver_)
      throw std::logic_error(
          "renoir: a stream was consumed twice; use split(n) to send the same items to several operators");
    receiver_ = block;
  }
  const std::vector<std::size_t>& senders() const { return senders_; }
  std::optional<std::size_t> receiver() const { return receiver_; }

  /// Creates the rings of this process once the placement is known.
  virtual void prepare(Deployment& deployment) = 0;

 private:
  std::vector<std::size_t> senders_;
  std::optional<std::size_t> receiver_;
};

/// Sending side of one sender replica, one entry per receiver replica: a ring if the receiver
/// is in this process, else the host and channel to send to.
template <class T>
struct Outlets {
  std::vector<SpscRing<Message<T>>*> rings;
  std::vector<Parker*> receivers;
  std::vector<std::size_t> hosts;
  std::vector<std::uint32_t> channels;
  Network* network = nullptr;
};

/// Receiving side of one receiver replica: a ring from each sender replica of every port (the
/// network thread fills those of remote senders).
template <class T>
struct Inlets {
  std::vector<SpscRing<Message<T>>*> rings;
  std::vector<Parker*> senders;
};

/// Delivers one remote channel into its ring; keeps what does not fit (the network thread
/// then stops reading the network, which holds back the sender's credit).
template <class T>
class RingInbox final : public Inbox {
 public:
  RingInbox(SpscRing<Message<T>>* ring, Parker* receiver) : ring_(ring), receiver_(receiver) {}
  void deliver(const std::vector<std::byte>& bytes) override {
    waiting_.push_back(decode<T>(bytes));
    drain();
  }
  std::size_t drain() override {
    bool pushed = false;
    while (!waiting_.empty() && ring_->try_push(std::move(waiting_.front()))) {
      waiting_.pop_front();
      pushed = true;
    }
    if (pushed) receiver_->wake();
    return waiting_.size();
  }

 private:
  SpscRing<Message<T>>* ring_;
  Parker* receiver_;
  std::deque<Message<T>> waiting_;
};

template <class T>
class Gate final : public GateBase {
 public:
  void prepare(Deployment& d) override {
    if (!receiver()) {
      if (senders().empty()) return;  // made by a verb that then threw at build time: unused
      throw std::logic_error("renoir: a stream was left without a sink (add collect_vec, for_each, ...)");
    }
    deployment_ = &d;
    receivers_ = d.replicas(*receiver());
    port_offset_.clear();
    std::size_t flat = 0;
    for (std::size_t block : senders()) {
      port_offset_.push_back(flat);
      flat += d.replicas(block);
    }
    channel_base_ = d.allocate_channels(flat * receivers_);
    rings_.clear();
    rings_.resize(flat * receivers_);
    for (std::size_t p = 0; p < senders().size(); ++p) {
      for (std::size_t s = 0; s < d.replicas(senders()[p]); ++s) {
        for (std::size_t r = 0; r < receivers_; ++r) {
          if (!d.is_local(*receiver(), r)) continue;
          const std::size_t i = index(p, s, r);
          rings_[i] = std::make_unique<SpscRing<Message<T>>>(d.ring_capacity());
          if (!d.is_local(senders()[p], s))
            d.register_inbox(channel(i), std::make_unique<RingInbox<T>>(rings_[i].get(), &d.parker(*receiver(), r)));
        }
      }
    }
  }

  Outlets<T> outlets(std::size_t port, std::size_t sender_replica) const {
    Outlets<T> out;
    out.network = deployment_->network();
    for (std::size_t r = 0; r < receivers_; ++r) {
      const std::size_t i = index(port, sender_replica, r);
      out.rings.push_back(rings_[i].get());
      out.receivers.push_back(&deployment_->parker(*receiver(), r));
      out.hosts.push_back(deployment_->host_of(*receiver(), r));
      out.channels.push_back(channel(i));
    }
    return out;
  }

  Inlets<T> inlets(std::size_t receiver_replica) const {
    Inlets<T> in;
    for (std::size_t p = 0; p < senders().size(); ++p) {
      for (std::size_t s = 0; s < deployment_->replicas(senders()[p]); ++s) {
        in.rings.push_back(rings_[index(p, s, receiver_replica)].get());
        in.senders.push_back(deployment_->is_local(senders()[p], s) ? &deployment_->parker(senders()[p], s)
                                                                    : &deployment_->network_parker());
      }
    }
    return in;
  }

 private:
  std::size_t index(std::size_t port, std::size_t s, std::size_t r) const {
    return (port_offset_.at(port) + s) * receivers_ + r;
  }
  std::uint32_t channel(std::size_t i) const { return channel_base_ + static_cast<std::uint32_t>(i); }

  Deployment* deployment_ = nullptr;
  std::size_t receivers_ = 0;
  std::uint32_t channel_base_ = 0;
  std::vector<std::size_t> port_offset_;
  std::vector<std::unique_ptr<SpscRing<Message<T>>>> rings_;
};

}  // namespace renoir::core
