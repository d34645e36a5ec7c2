// Grouped state shared by the keyed aggregations: a hash map from key to accumulator.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <optional>
#include <utility>

#include <boost/container_hash/hash.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include <renoir/api/traits.hpp>
#include <renoir/core/op_base.hpp>

namespace renoir::ops {

/// Hashes strings and string views alike, so a string-keyed map can be searched with a view.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return boost::hash<std::string_view>{}(s); }
};

/// The grouped state of the keyed operators: string keys accept string_view lookups.
template <class K, class V>
using KeyMap = std::conditional_t<std::is_same_v<K, std::string>,
                                  boost::unordered_flat_map<std::string, V, StringHash, std::equal_to<>>,
                                  boost::unordered_flat_map<K, V>>;

/// The key of a pair (routes keyed streams).
struct PairKey {
  template <class P>
  const auto& operator()(const P& p) const {
    return p.first;
  }
};

/// Per-key fold of the items of a plain stream, keyed by `key(item)`: the local half of
/// group_by_fold. Emits (key, acc) pairs at the end of the stream (or of a round).
template <class K, class Acc, class KeyFn, class F, class Next>
struct KeyedFoldBy : core::EmitAtBoundary<KeyedFoldBy<K, Acc, KeyFn, F, Next>, Next> {
  KeyFn key;
  Acc init;
  F f;
  KeyMap<K, Acc> state{};

  template <class X>
  void push(X&& x) {
    auto&& k = std::invoke(key, std::as_const(x));
    auto it = state.find(k);  // a string_view key finds a std::string without a copy
    if (it == state.end()) it = state.emplace(K(std::forward<decltype(k)>(k)), init).first;
    detail::accumulate(f, it->second, std::forward<X>(x));
  }

  void emit() {
    for (auto& [k, acc] : state) this->next.push(std::pair<K, Acc>(k, std::move(acc)));
    state.clear();
  }
};

/// Per-key fold of a keyed stream (pairs): `f(acc, value)`; the global half of group_by_fold
/// and KeyedStream::fold.
template <class K, class Acc, class F, class Next>
struct KeyedFold : core::EmitAtBoundary<KeyedFold<K, Acc, F, Next>, Next> {
  Acc init;
  F f;
  KeyMap<K, Acc> state{};

  template <class P>
  void push(P&& kv) {
    auto it = state.find(kv.first);
    if (it == state.end()) it = state.emplace(std::move(kv.first), init).first;
    detail::accumulate(f, it->second, std::move(kv.second));
  }

  void emit() {
    for (auto& [k, acc] : state) this->next.push(std::pair<K, Acc>(k, std::move(acc)));
    state.clear();
  }
};

/// Per-key reduce of a keyed stream: the first value of a key is its accumulator.
template <class K, class V, class F, class Next>
struct KeyedReduce : core::EmitAtBoundary<KeyedReduce<K, V, F, Next>, Next> {
  F f;
  KeyMap<K, V> state{};

  template <class P>
  void push(P&& kv) {
    auto it = state.find(kv.first);
    if (it == state.end())
      state.emplace(std::move(kv.first), std::move(kv.second));
    else
      detail::accumulate(f, it->second, std::move(kv.second));
  }

  void emit() {
    for (auto& [k, v] : state) this->next.push(std::pair<K, V>(k, std::move(v)));
    state.clear();
  }
};

}  // namespace renoir::ops
