// What a window computes over its items: fold, reduce, count, sum, min/max(_by), avg,
// first/last, collect_vec. Each is an accumulator type with init/add/out, kept per window; all but
// fold and reduce (whose functions are in arrival order) also merge the accumulators of panes.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include <renoir/api/traits.hpp>
#include <renoir/core/message.hpp>

namespace renoir::windows {

/// Where an item stands in its window's order: its timestamp in event-time windows, its arrival
/// rank otherwise. first/last/collect_vec follow it, so that on event time they do not depend on
/// which replica's items arrived first.
using Position = core::Timestamp;

/// `fold(init, f)`: f(Acc&, const V&) or f(Acc, V) -> Acc, in arrival order.
template <class V, class A, class F>
struct Fold {
  using Acc = A;
  using Out = A;
  A initial;
  F f;
  Acc init() const { return initial; }
  void add(Acc& acc, const V& v, Position) { renoir::detail::accumulate(f, acc, v); }
  Out out(Acc&& acc) const { return std::move(acc); }
};

/// `reduce(f)`: f(V&, const V&) or f(V, V) -> V, in arrival order.
template <class V, class F>
struct Reduce {
  using Acc = std::optional<V>;
  using Out = V;
  F f;
  Acc init() const { return std::nullopt; }
  void add(Acc& acc, const V& v, Position) {
    if (!acc) acc.emplace(v);
    else renoir::detail::accumulate(f, *acc, v);
  }
  Out out(Acc&& acc) const { return std::move(*acc); }
};

/// `count()`: the number of items (std::size_t).
template <class V>
struct Count {
  using Acc = std::size_t;
  using Out = std::size_t;
  Acc init() const { return 0; }
  void add(Acc& acc, const V&, Position) const { ++acc; }
  void merge(Acc& acc, const Acc& part) const { acc += part; }
  Out out(Acc&& acc) const { return acc; }
};

/// `sum()`: Acc{} += value(item).
template <class V, class A, class ValueFn>
struct Sum {
  using Acc = A;
  using Out = A;
  ValueFn value;
  Acc init() const { return A{}; }
  void add(Acc& acc, const V& v, Position) { acc += std::invoke(value, v); }
  void merge(Acc& acc, const Acc& part) const { acc += part; }
  Out out(Acc&& acc) const { return std::move(acc); }
};

/// `avg()`: the mean of value(item), a double.
template <class V, class ValueFn>
struct Avg {
  using Acc = std::pair<double, std::size_t>;
  using Out = double;
  ValueFn value;
  Acc init() const { return {0.0, 0}; }
  void add(Acc& acc, const V& v, Position) {
    acc.first += static_cast<double>(std::invoke(value, v));
    ++acc.second;
  }
  void merge(Acc& acc, const Acc& part) const {
    acc.first += part.first;
    acc.second += part.second;
  }
  Out out(Acc&& acc) const { return acc.first / static_cast<double>(acc.second); }
};

/// `min_by(f)` / `max_by(f)` (and min/max with the identity): the item with the smallest (largest)
/// f(item); among equals, the one first in window order (then the first to arrive).
template <class V, class KeyFn, bool largest>
struct Extreme {
  using Acc = std::optional<std::pair<V, Position>>;
  using Out = V;
  KeyFn key;
  Acc init() const { return std::nullopt; }
  void add(Acc& acc, const V& v, Position p) {
    if (!acc) {
      acc.emplace(v, p);
      return;
    }
    const auto& kv = std::invoke(key, v);
    const auto& ka = std::invoke(key, acc->first);
    const bool better = largest ? (ka < kv) : (kv < ka);
    const bool tie = !(kv < ka) && !(ka < kv);
    if (better || (tie && p < acc->second)) *acc = {v, p};
  }
  /// `part` holds later panes' items: as adding its extreme after acc's.
  void merge(Acc& acc, const Acc& part) {
    if (part) add(acc, part->first, part->second);
  }
  Out out(Acc&& acc) const { return std::move(acc->first); }
};

/// `first()` / `last()`: the item first (last) in window order; among equal positions the first
/// (last) to arrive.
template <class V, bool is_last>
struct Nth {
  using Acc = std::optional<std::pair<V, Position>>;
  using Out = V;
  Acc init() const { return std::nullopt; }
  void add(Acc& acc, const V& v, Position p) const {
    if (!acc || (is_last ? p >= acc->second : p < acc->second)) acc = std::pair<V, Position>(v, p);
  }
  void merge(Acc& acc, const Acc& part) const {
    if (part) add(acc, part->first, part->second);
  }
  Out out(Acc&& acc) const { return std::move(acc->first); }
};

/// `collect_vec()`: the items in window order (a stable sort by position).
template <class V>
struct CollectVec {
  using Acc = std::vector<std::pair<Position, V>>;
  using Out = std::vector<V>;
  Acc init() const { return {}; }
  void add(Acc& acc, const V& v, Position p) const { acc.emplace_back(p, v); }
  void merge(Acc& acc, const Acc& part) const { acc.insert(acc.end(), part.begin(), part.end()); }
  void merge(Acc& acc, Acc&& part) const {
    acc.insert(acc.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
  }
  Out out(Acc&& acc) const {
    std::stable_sort(acc.begin(), acc.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    Out items;
    items.reserve(acc.size());
    for (auto& [p, v] : acc) items.push_back(std::move(v));
    return items;
  }
};

/// The identity, for min()/max()/sum()/avg() of the items themselves.
struct Self {
  template <class V>
  const V& operator()(const V& v) const {
    return v;
  }
};

}  // namespace renoir::windows
