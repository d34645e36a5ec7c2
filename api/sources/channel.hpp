// stream_channel: a source fed by the caller through a ChannelSender, from any thread.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>

#include <renoir/core/parker.hpp>
#include <renoir/core/replica.hpp>
#include <renoir/core/run_state.hpp>

namespace renoir {

namespace detail {
/// What a ChannelSender and the source replica share. Senders push one item at a time (on
/// their own threads); the source takes everything queued under one lock.
template <class T>
struct ItemChannel {
  explicit ItemChannel(std::size_t cap) : capacity(cap) {}
  const std::size_t capacity;
  std::mutex mutex;
  std::condition_variable writable;  ///< senders wait here while the queue is full
  std::deque<T> items;
  std::size_t senders = 0;       ///< live ChannelSender copies; the last one closes
  bool closed = false;           ///< no more items: the stream ends once the queue is drained
  bool reader_gone = false;      ///< the job ended (or failed): sending is pointless
  core::Parker* reader = nullptr;  ///< the source replica, while it runs
  std::atomic<bool> ready{false};  ///< items queued or closed: what the reader waits for

  void signal_reader(std::unique_lock<std::mutex>& lock) {
    ready.store(true, std::memory_order_release);
    // Wake under the lock: end_reading() clears `reader` under it before the replica (and its
    // parker) can go away, so the parker is alive for as long as we hold the lock. Waking after
    // unlocking raced with the end of the job (TSan: a wake on a freed Parker).
    if (reader) reader->wake();
    lock.unlock();
  }
  void close() {
    std::unique_lock lock(mutex);
    if (closed) return;
    closed = true;
    signal_reader(lock);
  }
  void end_reading() {
    {
      std::lock_guard lock(mutex);
      reader_gone = true;
      reader = nullptr;
      items.clear();
    }
    writable.notify_all();
  }
};
}  // namespace detail

/// The writing end of `StreamContext::stream_channel` (Renoir's ChannelSource sender). Copies
/// share the channel; the stream ends once `close()` is called or every copy is destroyed (as
/// dropping Rust senders). Thread-safe. `send` blocks while the channel holds `capacity` items.
template <class T>
class ChannelSender {
 public:
  explicit ChannelSender(std::shared_ptr<detail::ItemChannel<T>> channel) : channel_(std::move(channel)) { retain(); }
  ChannelSender(const ChannelSender& other) : channel_(other.channel_) { retain(); }
  ChannelSender(ChannelSender&& other) noexcept : channel_(std::move(other.channel_)) {}
  ChannelSender& operator=(ChannelSender other) noexcept {
    std::swap(channel_, other.channel_);
    return *this;
  }
  ~ChannelSender() { release(); }

  /// Queues `item`, waiting while the channel is full. Returns false (and drops the item) if the
  /// channel was closed or the job is over (ended or failed), so a feeding thread never hangs.
  bool send(T item) const {
    std::unique_lock lock(channel_->mutex);
    channel_->writable.wait(lock, [&] {
      return channel_->items.size() < channel_->capacity || channel_->reader_gone || channel_->closed;
    });
    if (channel_->reader_gone || channel_->closed) return false;
    channel_->items.push_back(std::move(item));
    channel_->signal_reader(lock);
    return true;
  }
  /// Ends the stream (for every copy): the job sees the items sent so far, then the end.
  void close() const { channel_->close(); }

 private:
  void retain() {
    std::lock_guard lock(channel_->mutex);
    ++channel_->senders;
  }
  void release() {
    if (!channel_) return;
    std::unique_lock lock(channel_->mutex);
    if (--channel_->senders == 0 && !channel_->closed) {
      channel_->closed = true;
      channel_->signal_reader(lock);
    }
  }

  std::shared_ptr<detail::ItemChannel<T>> channel_;
};

namespace sources {

/// One replica takes what the senders queued, a whole queue per lock, until closed. When the
/// queue runs dry it flushes its partial batches (as Renoir's channel source, in every batch
/// mode) and parks until a sender wakes it or the job is cancelled.
template <class T>
struct Channel {
  std::shared_ptr<detail::ItemChannel<T>> channel;
  void attach(std::size_t) const {}

  template <class Chain>
  void run(Chain& chain, const core::ReplicaContext& rc) const {
    if (rc.info.replicas != 1) throw std::logic_error("renoir: stream_channel runs on one replica");
    auto& ch = *channel;
    {
      std::lock_guard lock(ch.mutex);
      ch.reader = rc.parker;
    }
    struct Done {  // on every exit, errors included: release blocked senders
      detail::ItemChannel<T>& ch;
      ~Done() { ch.end_reading(); }
    } done{ch};
    std::deque<T> taken;
    bool flushed = true;
    for (;;) {
      bool closed;
      {
        std::lock_guard lock(ch.mutex);
        taken.swap(ch.items);
        closed = ch.closed;
        ch.ready.store(closed, std::memory_order_relaxed);  // under the lock: no signal is lost
      }
      if (!taken.empty()) {
        ch.writable.notify_all();
        for (auto& x : taken) chain.push(std::move(x));
        taken.clear();
        flushed = false;
        rc.run->throw_if_cancelled();
        continue;
      }
      if (closed) break;
      if (!flushed) {  // dry: what is batched goes out now, not when the next item comes
        chain.flush();
        flushed = true;
        continue;
      }
      rc.parker->park([&] { return ch.ready.load(std::memory_order_acquire); }, [&] { return rc.run->cancelled(); });
      rc.run->throw_if_cancelled();
    }
    chain.end();
  }
};

}  // namespace sources
}  // namespace renoir
