// The typed input of a block: one SPSC ring per (sender replica, receiver replica) pair.
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <renoir/core/deployment.hpp>
#include <renoir/core/message.hpp>
#include <renoir/core/spsc_ring.hpp>

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

  /// Allocates the rings once replica counts are known.
  virtual void prepare(const Deployment& deployment) = 0;

 private:
  std::vector<std::size_t> senders_;
  std::optional<std::size_t> receiver_;
};

/// Sending side of one sender replica: a ring to each receiver replica.
template <class T>
struct Outlets {
  std::vector<SpscRing<Message<T>>*> rings;
  std::vector<Parker*> receivers;
};

/// Receiving side of one receiver replica: a ring from each sender replica of every port.
template <class T>
struct Inlets {
  std::vector<SpscRing<Message<T>>*> rings;
  std::vector<Parker*> senders;
};

template <class T>
class Gate final : public GateBase {
 public:
  void prepare(const Deployment& d) override {
    if (!receiver()) throw std::logic_error("renoir: a stream was left without a sink (add collect_vec, for_each, ...)");
    receivers_ = d.replicas(*receiver());
    port_offset_.clear();
    std::size_t flat = 0;
    for (std::size_t block : senders()) {
      port_offset_.push_back(flat);
      flat += d.replicas(block);
    }
    rings_.clear();
    rings_.reserve(flat * receivers_);
    for (std::size_t i = 0; i < flat * receivers_; ++i)
      rings_.push_back(std::make_unique<SpscRing<Message<T>>>(d.ring_capacity()));
    deployment_ = &d;
  }

  Outlets<T> outlets(std::size_t port, std::size_t sender_replica) const {
    Outlets<T> out;
    const std::size_t s = port_offset_.at(port) + sender_replica;
    for (std::size_t r = 0; r < receivers_; ++r) {
      out.rings.push_back(rings_[s * receivers_ + r].get());
      out.receivers.push_back(&deployment_->parker(*receiver(), r));
    }
    return out;
  }

  Inlets<T> inlets(std::size_t receiver_replica) const {
    Inlets<T> in;
    for (std::size_t p = 0; p < senders().size(); ++p) {
      for (std::size_t s = 0; s < deployment_->replicas(senders()[p]); ++s) {
        in.rings.push_back(rings_[(port_offset_[p] + s) * receivers_ + receiver_replica].get());
        in.senders.push_back(&deployment_->parker(senders()[p], s));
      }
    }
    return in;
  }

 private:
  const Deployment* deployment_ = nullptr;
  std::size_t receivers_ = 0;
  std::vector<std::size_t> port_offset_;
  std::vector<std::unique_ptr<SpscRing<Message<T>>>> rings_;
};

}  // namespace renoir::core
