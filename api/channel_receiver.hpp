// ChannelReceiver<T>: the reading end of collect_channel, iterated while the job runs.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace renoir {

namespace detail {
/// What the collect_channel sink and its ChannelReceiver share: whole batches under a mutex
/// (one lock per batch on the engine side, never per item). Unbounded, as Renoir's.
template <class T>
struct BatchChannel {
  std::mutex mutex;
  std::condition_variable readable;
  std::deque<std::vector<T>> batches;
  bool closed = false;     ///< nothing more will come
  bool abandoned = false;  ///< the receiver is gone: the sink drops what it gets
  std::exception_ptr error;

  /// Engine side: hands over a batch; false if nobody reads any more.
  bool send(std::vector<T>&& batch) {
    {
      std::lock_guard lock(mutex);
      if (abandoned || closed) return false;
      batches.push_back(std::move(batch));
    }
    readable.notify_one();
    return true;
  }
  void close(std::exception_ptr e = nullptr) {
    {
      std::lock_guard lock(mutex);
      if (closed) return;
      closed = true;
      error = std::move(e);
    }
    readable.notify_all();
  }
};
}  // namespace detail

/// The items of a `collect_channel()` sink, as they reach host 0 (Renoir's collect_channel
/// returns a flume Receiver). Read it while the job runs on another thread:
/// ```cpp
/// auto ch = stream.collect_channel();
/// std::thread job([&] { try { ctx.execute_blocking(); } catch (...) { /* also in ch.error() */ } });
/// for (auto x : ch) use(x);  // blocks for the next item; ends when the job ends
/// job.join();
/// ```
/// The channel ends when the job ends, successfully or not (then `error()` holds what
/// execute_blocking() threw), and on hosts other than host 0 it ends empty. It is unbounded:
/// the job never waits for the reader. Destroying the receiver (stopping early) is fine: the
/// job runs to its end and the remaining items are dropped. Items travel in batches (the batch
/// mode of the block before the sink): with BatchMode::fixed, a partial batch arrives at the end.
/// Move-only; read from one thread.
template <class T>
class ChannelReceiver {
 public:
  explicit ChannelReceiver(std::shared_ptr<detail::BatchChannel<T>> channel) : channel_(std::move(channel)) {}
  ChannelReceiver(ChannelReceiver&&) noexcept = default;
  ChannelReceiver& operator=(ChannelReceiver&& other) noexcept {
    abandon();
    channel_ = std::move(other.channel_);
    batch_ = std::move(other.batch_);
    next_ = other.next_;
    return *this;
  }
  ChannelReceiver(const ChannelReceiver&) = delete;
  ChannelReceiver& operator=(const ChannelReceiver&) = delete;
  ~ChannelReceiver() { abandon(); }

  /// The next item, waiting for it; nullopt once the channel ended and every item was read.
  std::optional<T> recv() {
    if (next_ == batch_.size() && !refill(true)) return std::nullopt;
    return std::move(batch_[next_++]);
  }
  /// The next item if one is there now; nullopt otherwise (see `ended()`).
  std::optional<T> try_recv() {
    if (next_ == batch_.size() && !refill(false)) return std::nullopt;
    return std::move(batch_[next_++]);
  }
  /// True once the channel ended and every item was read.
  bool ended() {
    if (next_ < batch_.size()) return false;
    std::lock_guard lock(channel_->mutex);
    return channel_->closed && channel_->batches.empty();
  }
  /// The job's error once the channel ended because the job failed; null otherwise.
  std::exception_ptr error() const {
    std::lock_guard lock(channel_->mutex);
    return channel_->error;
  }

  /// Input iterator over the remaining items (each dereference is the current item).
  class iterator {
   public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(ChannelReceiver* r) : r_(r) { ++*this; }
    T& operator*() const { return *current_; }
    T* operator->() const { return &*current_; }
    iterator& operator++() {
      current_ = r_->recv();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return !it.current_; }

   private:
    ChannelReceiver* r_ = nullptr;
    mutable std::optional<T> current_;
  };
  iterator begin() { return iterator(this); }
  std::default_sentinel_t end() { return {}; }

 private:
  bool refill(bool wait) {
    batch_.clear();
    next_ = 0;
    std::unique_lock lock(channel_->mutex);
    if (wait) channel_->readable.wait(lock, [&] { return !channel_->batches.empty() || channel_->closed; });
    if (channel_->batches.empty()) return false;
    batch_ = std::move(channel_->batches.front());
    channel_->batches.pop_front();
    return !batch_.empty();  // the sink never sends an empty batch
  }
  void abandon() {
    if (!channel_) return;
    std::lock_guard lock(channel_->mutex);
    channel_->abandoned = true;
    channel_->batches.clear();
  }

  std::shared_ptr<detail::BatchChannel<T>> channel_;
  std::vector<T> batch_;
  std::size_t next_ = 0;
};

}  // namespace renoir
