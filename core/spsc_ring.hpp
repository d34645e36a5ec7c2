// Bounded single-producer single-consumer ring of movable values (batches between replicas).
#pragma once
#include <atomic>
#include <bit>
#include <cstddef>
#include <memory>
#include <new>
#include <stdexcept>
#include <utility>

namespace renoir::core {

/// Lock-free bounded SPSC ring. Unlike boost::lockfree::spsc_queue it moves values in and out
/// (a batch is a std::vector: copying it would defeat the purpose) and lets the consumer read
/// the front in place. Indices grow monotonically; each side caches the other's index on its
/// own cache line so that the shared lines are touched only when the cache runs out.
template <class T>
class SpscRing {
 public:
  explicit SpscRing(std::size_t capacity)
      : capacity_(std::bit_ceil(capacity < 2 ? std::size_t{2} : capacity)),
        mask_(capacity_ - 1),
        slots_(std::make_unique<T[]>(capacity_)) {}

  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  std::size_t capacity() const noexcept { return capacity_; }

  /// Producer: moves `value` in if there is room.
  bool try_push(T&& value) noexcept(std::is_nothrow_move_assignable_v<T>) {
    const std::size_t tail = producer_.tail.load(std::memory_order_relaxed);
    if (tail - producer_.head_cache == capacity_) {
      producer_.head_cache = consumer_.head.load(std::memory_order_acquire);
      if (tail - producer_.head_cache == capacity_) return false;
    }
    slots_[tail & mask_] = std::move(value);
    producer_.tail.store(tail + 1, std::memory_order_release);  // publishes the slot
    return true;
  }

  /// Producer: true if a push would fail right now.
  bool full() const noexcept {
    return producer_.tail.load(std::memory_order_relaxed) - consumer_.head.load(std::memory_order_acquire) ==
           capacity_;
  }

  /// Consumer: the oldest value, or nullptr when empty. Stays valid until `pop()`.
  T* front() noexcept {
    const std::size_t head = consumer_.head.load(std::memory_order_relaxed);
    if (head == consumer_.tail_cache) {
      consumer_.tail_cache = producer_.tail.load(std::memory_order_acquire);
      if (head == consumer_.tail_cache) return nullptr;
    }
    return &slots_[head & mask_];
  }

  /// Consumer: releases the slot returned by `front()`.
  /// The consumed value stays in its slot and is destroyed by the producer's next `try_push` into
  /// that slot (or by the ring's destructor): a batch's buffer is then allocated and freed by the
  /// same thread. Freeing it here, on the consumer, made every batch a cross-thread free that
  /// contends with the producer's malloc on its arena lock (glibc; batches over 1 KiB bypass the
  /// thread cache), which cost 3-5x throughput at 64-256 items per batch (bench/ring_bench).
  void pop() noexcept {
    const std::size_t head = consumer_.head.load(std::memory_order_relaxed);
    consumer_.head.store(head + 1, std::memory_order_release);  // hands the slot back
  }

  /// Consumer: true if there is nothing to read right now.
  bool empty() const noexcept {
    return consumer_.head.load(std::memory_order_relaxed) == producer_.tail.load(std::memory_order_acquire);
  }

 private:
  struct alignas(64) ProducerSide {
    std::atomic<std::size_t> tail{0};
    std::size_t head_cache = 0;
  };
  struct alignas(64) ConsumerSide {
    std::atomic<std::size_t> head{0};
    std::size_t tail_cache = 0;
  };

  const std::size_t capacity_;
  const std::size_t mask_;
  std::unique_ptr<T[]> slots_;
  ProducerSide producer_;
  ConsumerSide consumer_;
};

}  // namespace renoir::core
