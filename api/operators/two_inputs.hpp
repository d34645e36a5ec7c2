// Pieces shared by the sources of blocks with several inputs (zip, join, loops): the two gates,
// and sinks that append one side's items to a container.
#pragma once
#include <cstddef>
#include <utility>

#include <renoir/core/receiver.hpp>

namespace renoir::ops {
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

/// Appends what a receiver delivers and counts the rounds it completes.
template <class Container>
struct RoundSink {
  Container* items;
  std::size_t* rounds;
  void push(typename Container::value_type&& x) { items->push_back(std::move(x)); }
  void flush() {}
  void watermark(core::Timestamp) {}
  void restart() { ++*rounds; }
  void end() {}
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
