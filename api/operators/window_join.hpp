// window_join: pairs of two keyed streams' items that fall in the same window.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <renoir/api/operators/flat_map.hpp>  // used by this verb
#include <renoir/api/operators/map.hpp>  // used by this verb
#include <renoir/api/operators/merge.hpp>  // used by this verb
#include <renoir/api/operators/window.hpp>  // used by this verb
#include <renoir/api/sinks/collect.hpp>  // used by this verb
#include <optional>
#include <utility>
#include <vector>

namespace renoir {

/// Both sides become (key, (left?, right?)) and merge by key; each window of `descr` collects
/// its items and emits every (left, right) pair in it, stamped with the window's time.
template <class K, class V, class S, class O>
template <class V2, class S2, class O2, class Descr>
auto KeyedStream<K, V, S, O>::window_join(const KeyedStream<K, V2, S2, O2>& other, Descr descr) const {
  using Either = std::pair<std::optional<V>, std::optional<V2>>;
  auto l = map([](const K&, V v) { return Either(std::move(v), std::nullopt); });
  auto r = other.map([](const K&, V2 v) { return Either(std::nullopt, std::move(v)); });
  return l.merge(r).window(std::move(descr)).collect_vec().flat_map([](const K&, std::vector<Either> items) {
    std::vector<std::pair<V, V2>> pairs;
    for (const Either& a : items)
      if (a.first)
        for (const Either& b : items)
          if (b.second) pairs.emplace_back(*a.first, *b.second);
    return pairs;
  });
}

}  // namespace renoir
