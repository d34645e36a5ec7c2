// Pieces shared by the sources of blocks with several inputs (zip, join, loops): the two gates,
// and sinks that append one side's items to a container.
#pragma once
#include <cstddef>
#include <utility>

#include <algorithm>
#include <deque>
#include <vector>

#include <renoir/core/event_time.hpp>
#include <renoir/core/receiver.hpp>

namespace renoir::ops {
namespace stamps_detail {
template <class C> struct StampsOf { using type = std::vector<core::Timestamp>; };
template <class T> struct StampsOf<std::deque<T>> { using type = std::deque<core::Timestamp>; };
}  // namespace stamps_detail
/// A container of timestamps of the same kind as `Container` (vector or deque).
template <class Container>
using StampsOf = typename stamps_detail::StampsOf<Container>::type;

/// Appends the items a receiver delivers to `*items` (a vector or deque).
template <class Container>
struct AppendTo {
  Container* items;
  void push(typename Container::value_type&& x) { items->push_back(std::move(x)); }
  void flush() {}
  void watermark(core::Timestamp) {}
  void restart() {}
  void end() {}
};

/// Appends what a receiver delivers and counts the rounds it completes. With `stamps`, also the
/// items' event times (parallel to `items`); the side's watermark goes to `*watermark`.
template <class Container>
struct RoundSink {
  Container* items;
  std::size_t* rounds;
  StampsOf<Container>* stamps = nullptr;
  core::Timestamp watermark_ = core::no_watermark;
  void push(typename Container::value_type&& x) {
    items->push_back(std::move(x));
    if (stamps) stamps->push_back(core::current_timestamp());
  }
  void flush() {}
  void watermark(core::Timestamp t) { watermark_ = t; }
  void restart() { ++*rounds; }
  void end() {}
};

/// The watermark of a block with two inputs: the smaller of the two sides' (a side that ended
/// promises everything), passed on when it grows.
struct TwoWatermarks {
  core::Timestamp sent = core::no_watermark;
  template <class Chain>
  void advance(Chain& chain, core::Timestamp left, bool left_finished, core::Timestamp right, bool right_finished) {
    const core::Timestamp low = std::min(left_finished ? core::final_watermark : left,
                                         right_finished ? core::final_watermark : right);
    if (low > sent && low != core::final_watermark) {
      sent = low;
      chain.watermark(low);
    }
  }
};

/// The two gates a two-input block reads, both attached to that block.
template <class A, class B>
struct TwoGates {
  core::Gate<A>* left;
  core::Gate<B>* right;

  void attach(std::size_t block) const {
    left->set_receiver(block);
    right->set_receiver(block);
  }
};
}  // namespace renoir::ops
