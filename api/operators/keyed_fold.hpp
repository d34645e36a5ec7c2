// Grouped state shared by the keyed aggregations: a hash map from key to accumulator.
#pragma once
#include <functional>
#include <optional>
#include <utility>

#include <boost/unordered/unordered_flat_map.hpp>

#include <renoir/api/traits.hpp>
#include <renoir/core/op_base.hpp>

namespace renoir::ops {

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
struct KeyedFoldBy : core::Forward<Next> {
  KeyFn key;
  Acc init;
  F f;
  boost::unordered_flat_map<K, Acc> state{};

  template <class X>
  void push(X&& x) {
    auto&& k = std::invoke(key, std::as_const(x));
    auto it = state.find(k);
    if (it == state.end()) it = state.emplace(std::forward<decltype(k)>(k), init).first;
    detail::accumulate(f, it->second, std::forward<X>(x));
  }
  void restart() {
    emit();
    this->next.restart();
  }
  void end() {
    emit();
    this->next.end();
  }

 private:
  void emit() {
    for (auto& [k, acc] : state) this->next.push(std::pair<K, Acc>(k, std::move(acc)));
    state.clear();
  }
};

/// Per-key fold of a keyed stream (pairs): `f(acc, value)`; the global half of group_by_fold
/// and KeyedStream::fold.
template <class K, class Acc, class F, class Next>
struct KeyedFold : core::Forward<Next> {
  Acc init;
  F f;
  boost::unordered_flat_map<K, Acc> state{};

  template <class P>
  void push(P&& kv) {
    auto it = state.find(kv.first);
    if (it == state.end()) it = state.emplace(std::move(kv.first), init).first;
    detail::accumulate(f, it->second, std::move(kv.second));
  }
  void restart() {
    emit();
    this->next.restart();
  }
  void end() {
    emit();
    this->next.end();
  }

 private:
  void emit() {
    for (auto& [k, acc] : state) this->next.push(std::pair<K, Acc>(k, std::move(acc)));
    state.clear();
  }
};

/// Per-key reduce of a keyed stream: the first value of a key is its accumulator.
template <class K, class V, class F, class Next>
struct KeyedReduce : core::Forward<Next> {
  F f;
  boost::unordered_flat_map<K, V> state{};

  template <class P>
  void push(P&& kv) {
    auto it = state.find(kv.first);
    if (it == state.end())
      state.emplace(std::move(kv.first), std::move(kv.second));
    else
      detail::accumulate(f, it->second, std::move(kv.second));
  }
  void restart() {
    emit();
    this->next.restart();
  }
  void end() {
    emit();
    this->next.end();
  }

 private:
  void emit() {
    for (auto& [k, v] : state) this->next.push(std::pair<K, V>(k, std::move(v)));
    state.clear();
  }
};

}  // namespace renoir::ops
