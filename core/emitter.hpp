// Last operator of a block that feeds another block: batches items per receiver replica.
#pragma once
#include <chrono>
#include <cstddef>
#include <utility>
#include <vector>

#include <renoir/core/event_time.hpp>
#include <renoir/core/gate.hpp>
#include <renoir/core/replica.hpp>
#include <renoir/core/routers.hpp>
#include <renoir/core/ticker.hpp>

namespace renoir::core {

/// Buffers items per destination and hands full batches to the rings. A full ring blocks the
/// replica (backpressure): it parks until the receiver pops or the job is cancelled.
template <class T, class Router>
class Emitter {
 public:
  Emitter(Outlets<T> out, Router router, const ReplicaContext& rc)
      : out_(std::move(out)), router_(std::move(router)), batch_(rc.batch_mode.size),
        max_delay_(rc.batch_mode.max_delay), self_(rc.parker), run_(rc.run), buffers_(out_.rings.size()),
        stamped_(rc.timestamped) {
    router_.bind(rc.info);
    for (auto& b : buffers_) b.reserve(batch_);
    if (stamped_) {
      stamps_.resize(buffers_.size());
      for (auto& s : stamps_) s.reserve(batch_);
    }
    last_flush_ = std::chrono::steady_clock::now();
    if (rc.batch_mode.has_max_delay()) ticks_ = &ticks();
  }

  template <class U>
  void push(U&& item) {
    const std::size_t n = buffers_.size();
    if constexpr (Router::broadcast) {
      for (std::size_t d = 0; d + 1 < n; ++d) append(d, item);
      append(n - 1, std::forward<U>(item));
    } else {
      append(router_.route(item, n), std::forward<U>(item));
    }
    // A partial batch older than max_delay goes out: the clock is read only when the coarse
    // millisecond ticker moved, not per item.
    if (ticks_ && ticks_->load(std::memory_order_relaxed) != seen_tick_) {
      seen_tick_ = ticks_->load(std::memory_order_relaxed);
      flush_if_due();
    }
  }

  void flush() {
    for (std::size_t d = 0; d < buffers_.size(); ++d) {
      if (!buffers_[d].empty()) {
        send_batch(d);
      } else if (!wm_sent_.empty() && wm_sent_[d] < wm_) {
        wm_sent_[d] = wm_;
        send(d, Message<T>{MessageKind::watermark, wm_, {}, {}});
      }
    }
    last_flush_ = std::chrono::steady_clock::now();
  }
  /// A watermark rides on the next batch to each destination (or goes at the next flush): later
  /// than it could, which is always safe, and without cutting every batch short.
  void watermark(Timestamp t) {
    if (wm_sent_.empty()) wm_sent_.assign(buffers_.size(), no_batch_watermark);
    wm_ = t;
    if (batch_ <= 1) flush();
  }
  void restart() { control(MessageKind::flush_and_restart, 0); }
  void end() { control(MessageKind::terminate, 0); }

 private:
  template <class U>
  void append(std::size_t d, U&& item) {
    auto& buf = buffers_[d];
    buf.push_back(std::forward<U>(item));
    if (stamped_) stamps_[d].push_back(current_timestamp());  // a predictable branch per item
    if (buf.size() >= batch_) send_batch(d);
  }

  void flush_if_due() {
    if (std::chrono::steady_clock::now() - last_flush_ >= max_delay_) flush();
  }

  void send_batch(std::size_t d) {
    Message<T> m{MessageKind::batch, no_batch_watermark, std::move(buffers_[d]), {}};
    if (!wm_sent_.empty() && wm_sent_[d] < wm_) m.timestamp = wm_sent_[d] = wm_;
    buffers_[d] = std::vector<T>();  // not `= {}`: that picks operator=(initializer_list), a copy
    buffers_[d].reserve(batch_);  // one allocation per batch, never per item
    if (stamped_) {
      m.stamps = std::move(stamps_[d]);
      stamps_[d] = std::vector<Timestamp>();
      stamps_[d].reserve(batch_);
    }
    send(d, std::move(m));
  }

  void control(MessageKind kind, Timestamp t) {
    flush();
    for (std::size_t d = 0; d < buffers_.size(); ++d) send(d, Message<T>{kind, t, {}, {}});
  }

  void send(std::size_t d, Message<T>&& m) {
    if (!out_.rings[d]) {  // the receiver is on another host
      encode_into(m, wire_);  // into a buffer kept across batches: no allocation per batch
      out_.network->send(out_.hosts[d], out_.channels[d], wire_, *run_);
      return;
    }
    auto& ring = *out_.rings[d];
    while (!ring.try_push(std::move(m))) {  // try_push moves only on success
      out_.receivers[d]->wake();            // the receiver may be asleep on another ring
      self_->park([&] { return !ring.full(); }, [&] { return run_->cancelled(); });
      run_->throw_if_cancelled();
    }
    out_.receivers[d]->wake();
  }

  Outlets<T> out_;
  Router router_;
  std::size_t batch_;
  std::chrono::nanoseconds max_delay_;
  Parker* self_;
  RunState* run_;
  std::vector<std::vector<T>> buffers_;
  bool stamped_;                                  // the block is timestamped: ship event times
  std::vector<std::vector<Timestamp>> stamps_;  // parallel to buffers_ when stamped_
  Timestamp wm_ = no_batch_watermark;            // the last watermark received
  std::vector<Timestamp> wm_sent_;               // per destination, once a watermark came
  const std::atomic<std::uint64_t>* ticks_ = nullptr;  // null unless the batch mode is timed
  std::uint64_t seen_tick_ = 0;
  std::chrono::steady_clock::time_point last_flush_;
  std::vector<std::byte> wire_;  // the serialized batch to a remote receiver
};

/// Creates one emitter per replica of the sending block.
template <class T, class Router>
struct EmitterFactory {
  Gate<T>* gate;
  std::size_t port;
  Router router;

  /// Registers the sending block with the gate.
  void attach(std::size_t block) { port = gate->add_sender(block); }

  Emitter<T, Router> make(const ReplicaContext& rc) const {
    return Emitter<T, Router>(gate->outlets(*rc.deployment, port, rc.info.index), router, rc);
  }
};

}  // namespace renoir::core
