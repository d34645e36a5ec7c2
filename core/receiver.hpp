// First stage of a block fed by other blocks: drains its inlets and drives the fused chain.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <vector>

#include <renoir/core/event_time.hpp>
#include <renoir/core/gate.hpp>
#include <renoir/core/replica.hpp>

namespace renoir::core {

/// Reads the rings of one receiver replica, one message per ring per pass, and applies the
/// element protocol: batches go item by item into the chain; a watermark moves on when every
/// open sender has passed it; a restart (end of round) once every open sender reached the end
/// of the round. Rounds are per sender: a ring whose sender sent its restart is not read again
/// until the round is complete, since what follows belongs to the next round. The caller ends
/// the chain once `finished()` (every sender terminated).
template <class T>
class Receiver {
 public:
  Receiver(Inlets<T> in)
      : in_(std::move(in)), watermarks_(in_.rings.size(), std::numeric_limits<Timestamp>::min()),
        at_restart_(in_.rings.size(), false) {
    for (std::size_t i = 0; i < in_.rings.size(); ++i) open_.push_back(i);
  }

  bool finished() const { return open_.empty(); }

  bool any_ready() const {
    for (std::size_t i : open_)
      if (!at_restart_[i] && !in_.rings[i]->empty()) return true;
    return false;
  }

  /// True if items went into the chain since the last call.
  bool take_dirty() { return std::exchange(dirty_, false); }

  /// One pass over the open rings; returns true if any message was read. A pass stops right
  /// after a round completes (chain.restart()), so the caller sees every round boundary.
  template <class Chain>
  bool poll(Chain& chain) {
    bool progressed = false;
    for (std::size_t k = 0; k < open_.size();) {
      const std::size_t i = open_[k];
      if (at_restart_[i]) {
        ++k;
        continue;
      }
      Message<T>* m = in_.rings[i]->front();
      if (!m) {
        ++k;
        continue;
      }
      progressed = true;
      bool closed = false;
      switch (m->kind) {
        case MessageKind::batch:
          if (!m->stamps.empty()) {
            push_stamped(chain, *m);
          } else if constexpr (std::is_same_v<T, bool>) {  // std::vector<bool> hands out proxies, not bool&
            for (bool item : m->items) chain.push(bool{item});
          } else {
            for (T& item : m->items) chain.push(std::move(item));
          }
          dirty_ = true;
          if (m->timestamp != no_batch_watermark) {  // a watermark after the batch
            watermarks_[i] = m->timestamp;
            advance_watermark(chain);
          }
          break;
        case MessageKind::watermark:
          watermarks_[i] = m->timestamp;
          advance_watermark(chain);
          break;
        case MessageKind::flush_and_restart:
          at_restart_[i] = true;
          ++restarts_;
          break;
        case MessageKind::terminate:
          closed = true;
          break;
      }
      in_.rings[i]->pop();
      in_.senders[i]->wake();  // the sender may be parked on a full ring
      if (closed) {
        open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(k));
        advance_watermark(chain);
      } else {
        ++k;
      }
      if (restarts_ > 0 && restarts_ == open_.size()) {  // every open sender ended the round
        restarts_ = 0;
        std::fill(at_restart_.begin(), at_restart_.end(), false);
        chain.restart();
        return true;
      }
    }
    return progressed;
  }

 private:
  template <class Chain>
  static void push_stamped(Chain& chain, Message<T>& m) {
    for (std::size_t j = 0; j < m.items.size(); ++j) {  // as many stamps as items (decode checks it)
      set_current_timestamp(m.stamps[j]);
      if constexpr (std::is_same_v<T, bool>) {
        chain.push(bool{m.items[j]});
      } else {
        chain.push(std::move(m.items[j]));
      }
    }
  }

  template <class Chain>
  void advance_watermark(Chain& chain) {
    if (open_.empty()) return;
    Timestamp low = std::numeric_limits<Timestamp>::max();
    for (std::size_t i : open_) low = std::min(low, watermarks_[i]);
    if (low > current_watermark_) {
      current_watermark_ = low;
      chain.watermark(low);
    }
  }

  Inlets<T> in_;
  std::vector<std::size_t> open_;
  std::vector<Timestamp> watermarks_;
  Timestamp current_watermark_ = std::numeric_limits<Timestamp>::min();
  std::vector<bool> at_restart_;  // the sender of ring i ended the current round
  std::size_t restarts_ = 0;      // how many open senders did
  bool dirty_ = false;
};

/// Idle step shared by receiving blocks: flush partial batches (adaptive mode), then park until
/// `ready()` or cancellation; with clock-driven operators in the chain, at most a millisecond,
/// then fire them (a processing-time window closes on time without new input).
template <class Chain, class Ready>
void idle(Chain& chain, bool dirty, const ReplicaContext& rc, Ready&& ready) {
  if (dirty && rc.batch_mode.has_max_delay()) chain.flush();
  if (has_replica_timers()) {
    rc.parker->park(ready, [&] { return rc.run->cancelled(); }, std::chrono::milliseconds(1));
    rc.run->throw_if_cancelled();
    fire_replica_timers();
    return;
  }
  rc.parker->park(ready, [&] { return rc.run->cancelled(); });
  rc.run->throw_if_cancelled();
}

/// Source factory of a block fed by a gate.
template <class T>
struct ReceiverSource {
  Gate<T>* gate;

  void attach(std::size_t block) const { gate->set_receiver(block); }

  template <class Chain>
  void run(Chain& chain, const ReplicaContext& rc) const {
    Receiver<T> in(gate->inlets(*rc.deployment, rc.info.index));
    while (!in.finished()) {
      if (in.poll(chain)) continue;
      idle(chain, in.take_dirty(), rc, [&] { return in.any_ready(); });
    }
    chain.end();
  }
};

}  // namespace renoir::core
