// The typed input of a block: one SPSC ring per (sender replica, receiver replica) pair.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <utility>
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
  explicit GateBase(std::size_t id) : id_(id) {}
  virtual ~GateBase() = default;

  /// Index of the gate in its job graph.
  std::size_t id() const { return id_; }

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

  /// Creates the rings of this process, for one execution, in `deployment`.
  virtual void prepare(Deployment& deployment) const = 0;

 private:
  std::size_t id_;
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

/// Delivers one remote channel into its ring; keeps what does not fit (at most the channel's
/// credit window, ChannelCredits::kWindow, from a sender that keeps to it).
template <class T>
class RingInbox final : public Inbox {
 public:
  RingInbox(SpscRing<Message<T>>* ring, Parker* receiver) : ring_(ring), receiver_(receiver) {}
  void deliver(std::span<const std::byte> bytes) override {
    auto m = decode<T>(bytes);
    if (waiting_.empty() && ring_->try_push(std::move(m))) {  // try_push moves only on success
      ++moved_;
      receiver_->wake();
      return;
    }
    waiting_.push_back(std::move(m));
    drain();
  }
  std::size_t drain() override {
    bool pushed = false;
    while (!waiting_.empty() && ring_->try_push(std::move(waiting_.front()))) {
      waiting_.pop_front();
      pushed = true;
      ++moved_;
    }
    if (pushed) receiver_->wake();
    return waiting_.size();
  }
  std::uint32_t take_moved() override { return std::exchange(moved_, 0); }

 private:
  SpscRing<Message<T>>* ring_;
  Parker* receiver_;
  std::deque<Message<T>> waiting_;
  std::uint32_t moved_ = 0;
};

/// The rings of one gate in one process, for one execution (kept by the Deployment, so that a
/// job graph can be executed by several simulated hosts at once).
template <class T>
struct GateRings final : GateInstance {
  std::size_t receivers = 0;
  std::uint32_t channel_base = 0;
  std::vector<std::size_t> port_offset;
  std::vector<std::unique_ptr<SpscRing<Message<T>>>> rings;  // [flat sender][receiver]; null if not ours

  std::size_t index(std::size_t port, std::size_t s, std::size_t r) const {
    return (port_offset.at(port) + s) * receivers + r;
  }
  std::uint32_t channel(std::size_t i) const { return channel_base + static_cast<std::uint32_t>(i); }
};

template <class T>
class Gate final : public GateBase {
 public:
  using GateBase::GateBase;

  void prepare(Deployment& d) const override {
    if (!receiver()) {
      if (senders().empty()) return;  // made by a verb that then threw at build time: unused
      throw std::logic_error("renoir: a stream was left without a sink (add collect_vec, for_each, ...)");
    }
    auto g = std::make_unique<GateRings<T>>();
    g->receivers = d.replicas(*receiver());
    std::size_t flat = 0;
    for (std::size_t block : senders()) {
      g->port_offset.push_back(flat);
      flat += d.replicas(block);
    }
    g->channel_base = d.allocate_channels(flat * g->receivers);
    g->rings.resize(flat * g->receivers);
    for (std::size_t p = 0; p < senders().size(); ++p) {
      for (std::size_t s = 0; s < d.replicas(senders()[p]); ++s) {
        for (std::size_t r = 0; r < g->receivers; ++r) {
          const bool here = d.is_local(*receiver(), r);
          const bool from_here = d.is_local(senders()[p], s);
          if constexpr (!transport::Serializable<std::vector<T>>)
            if (here != from_here) throw_not_serializable();  // before anything runs
          if (!here) continue;
          const std::size_t i = g->index(p, s, r);
          g->rings[i] = std::make_unique<SpscRing<Message<T>>>(d.ring_capacity());
          if (!from_here)
            d.register_inbox(g->channel(i), d.host_of(senders()[p], s),
                             std::make_unique<RingInbox<T>>(g->rings[i].get(), &d.parker(*receiver(), r)));
        }
      }
    }
    d.set_gate(id(), std::move(g));
  }

  Outlets<T> outlets(const Deployment& d, std::size_t port, std::size_t sender_replica) const {
    const auto& g = rings_of(d);
    Outlets<T> out;
    out.network = d.network();
    for (std::size_t r = 0; r < g.receivers; ++r) {
      const std::size_t i = g.index(port, sender_replica, r);
      out.rings.push_back(g.rings[i].get());
      out.receivers.push_back(&d.parker(*receiver(), r));
      out.hosts.push_back(d.host_of(*receiver(), r));
      out.channels.push_back(g.channel(i));
    }
    return out;
  }

  Inlets<T> inlets(const Deployment& d, std::size_t receiver_replica) const {
    const auto& g = rings_of(d);
    Inlets<T> in;
    for (std::size_t p = 0; p < senders().size(); ++p) {
      for (std::size_t s = 0; s < d.replicas(senders()[p]); ++s) {
        in.rings.push_back(g.rings[g.index(p, s, receiver_replica)].get());
        in.senders.push_back(d.is_local(senders()[p], s) ? &d.parker(senders()[p], s) : &d.network_parker());
      }
    }
    return in;
  }

 private:
  [[noreturn]] static void throw_not_serializable() {
    throw std::logic_error(std::string("renoir: items of type ") + typeid(T).name() +
                           " move between hosts here but have no renoir::transport::Serializer; specialize it "
                           "(see transport/serialization.hpp) or keep these items on one host");
  }
  const GateRings<T>& rings_of(const Deployment& d) const { return static_cast<const GateRings<T>&>(d.gate(id())); }
};

}  // namespace renoir::core
