// stream_par_iter: every replica generates its own share (an integer range, or a user range).
#pragma once
#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <ranges>
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
    // Bounds in 128 bits: `end - begin` can overflow I (a wide signed range), and a chunk of
    // 4096 does not fit in an 8-bit I (the chunked loop then never advanced).
    const __int128 len = end > begin ? static_cast<__int128>(end) - static_cast<__int128>(begin) : 0;
    const auto i = static_cast<__int128>(rc.info.index), n = static_cast<__int128>(rc.info.replicas);
    I x = static_cast<I>(static_cast<__int128>(begin) + len * i / n);
    for (__int128 left = len * (i + 1) / n - len * i / n; left > 0;) {
      const std::size_t chunk = left > 4096 ? 4096 : static_cast<std::size_t>(left);
      for (std::size_t k = 0; k < chunk; ++k) chain.push(x++);  // x ends at most at `end`: no overflow
      left -= static_cast<__int128>(chunk);
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

/// A sized random-access range held by the job: replica i of n reads the elements at positions
/// [len*i/n, len*(i+1)/n), as IntRange splits integers.
template <class Range>
struct RangeShares {
  std::shared_ptr<const Range> range;
  void attach(std::size_t) const {}

  template <class Chain>
  void run(Chain& chain, const core::ReplicaContext& rc) const {
    const auto len = static_cast<unsigned __int128>(std::ranges::size(*range));
    const auto i = static_cast<unsigned __int128>(rc.info.index), n = static_cast<unsigned __int128>(rc.info.replicas);
    const auto lo = static_cast<std::ranges::range_difference_t<const Range>>(len * i / n);
    const auto hi = static_cast<std::ranges::range_difference_t<const Range>>(len * (i + 1) / n);
    auto it = std::ranges::begin(*range) + lo;
    for (auto k = lo; k < hi; ++k, ++it) {
      if (((k - lo + 1) & 1023) == 0) rc.run->throw_if_cancelled();
      std::ranges::range_value_t<const Range> copy = *it;
      chain.push(std::move(copy));
    }
    chain.end();
  }
};

}  // namespace renoir::sources
