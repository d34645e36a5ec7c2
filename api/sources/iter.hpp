// stream_iter: a source over a range held by the job, read by a single replica.
#pragma once
#include <cstddef>
#include <memory>

#include <renoir/core/replica.hpp>

namespace renoir::sources {

/// Pushes every element of a shared range, then ends the stream.
template <class Range>
struct Iter {
  std::shared_ptr<const Range> range;
  void attach(std::size_t) const {}

  template <class Chain>
  void run(Chain& chain, const core::ReplicaContext& rc) const {
    std::size_t n = 0;
    for (const auto& x : *range) {
      if ((++n & 1023) == 0) rc.run->throw_if_cancelled();
      auto copy = x;
      chain.push(std::move(copy));
    }
    chain.end();
  }
};

}  // namespace renoir::sources
