// stream_par_iter: every replica generates its own share (an integer range, or a user range).
#pragma once
#include <cstddef>
#include <functional>
#include <utility>

#include <renoir/core/replica.hpp>

namespace renoir::sources {

/// Replica i of n gets [begin + len*i/n, begin + len*(i+1)/n).
template <class I>
struct IntRange {
  I begin, end;
  void attach(std::size_t) const {}

  template <class Chain>
  void run(Chain& chain, const core::ReplicaContext& rc) const {
    const auto len = static_cast<unsigned __int128>(end > begin ? end - begin : 0);
    const auto i = rc.info.index, n = rc.info.replicas;
    const I from = static_cast<I>(begin + static_cast<I>(len * i / n));
    const I to = static_cast<I>(begin + static_cast<I>(len * (i + 1) / n));
    for (I x = from; x < to;) {
      const I stop = to - x > I(4096) ? static_cast<I>(x + I(4096)) : to;
      for (; x < stop; ++x) chain.push(I(x));
      rc.run->throw_if_cancelled();
    }
    chain.end();
  }
};

/// `make(index, replicas)` returns the range replica `index` iterates.
template <class Make>
struct PerReplica {
  Make make;
  void attach(std::size_t) const {}

  template <class Chain>
  void run(Chain& chain, const core::ReplicaContext& rc) const {
    auto&& range = std::invoke(make, rc.info.index, rc.info.replicas);
    std::size_t n = 0;
    for (auto&& x : range) {
      if ((++n & 1023) == 0) rc.run->throw_if_cancelled();
      chain.push(std::move(x));
    }
    chain.end();
  }
};

}  // namespace renoir::sources
