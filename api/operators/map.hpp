// map / rich_map: one item in, one item out.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <functional>
#include <type_traits>

#include <boost/unordered/unordered_flat_map.hpp>

#include <renoir/api/traits.hpp>
#include <renoir/core/op_base.hpp>

namespace renoir {
namespace ops {
template <class F, class Next>
struct Map : core::Forward<Next> {
  F f;
  template <class X>
  void push(X&& x) {
    this->next.push(std::invoke(f, std::forward<X>(x)));
  }
};
}  // namespace ops

template <class T, class S, class O>
template <class F>
auto Stream<T, S, O>::map(F f) const {
  static_assert(std::is_invocable_v<F&, T&&>, "renoir: map expects a callable f(T) -> U");
  detail::check_no_dangling_view<F>();
  using U = std::decay_t<std::invoke_result_t<F&, T&&>>;
  static_assert(!std::is_void_v<U>, "renoir: map's callable must return a value (use inspect or for_each)");
  return this->template then<U>([f](auto next) { return ops::Map<F, decltype(next)>{{std::move(next)}, f}; });
}

template <class T, class S, class O>
template <class F>
auto Stream<T, S, O>::rich_map(F f) const {
  return map(std::move(f));  // the callable is already copied per replica
}

/// Keyed map: the callable sees (key, value); the key stays.
template <class K, class V, class S, class O>
template <class F>
auto KeyedStream<K, V, S, O>::map(F f) const {
  using U = detail::kv_result_t<F, K, V>;
  detail::check_no_dangling_view<F>();
  return detail::keyed(inner_.map([f](std::pair<K, V>&& kv) mutable {
    auto u = detail::invoke_kv(f, kv.first, std::move(kv.second));
    return std::pair<K, U>(detail::pass_key<U>(kv.first), std::move(u));
  }));
}

namespace ops {
/// Keyed map with one copy of the callable per key (per-key state).
template <class K, class F, class Next>
struct KeyedRichMap : core::Forward<Next> {
  F proto;
  boost::unordered_flat_map<K, F> per_key{};
  template <class P>
  void push(P&& kv) {
    auto it = per_key.find(kv.first);
    if (it == per_key.end()) it = per_key.emplace(kv.first, proto).first;
    auto u = detail::invoke_kv(it->second, kv.first, std::move(kv.second));
    this->next.push(std::pair<K, decltype(u)>(detail::pass_key<decltype(u)>(kv.first), std::move(u)));
  }
};
}  // namespace ops

template <class K, class V, class S, class O>
template <class F>
auto KeyedStream<K, V, S, O>::rich_map(F f) const {
  using U = detail::kv_result_t<F, K, V>;
  detail::check_no_dangling_view<F>();
  return detail::keyed(inner_.template then<std::pair<K, U>>(
      [f](auto next) { return ops::KeyedRichMap<K, F, decltype(next)>{{std::move(next)}, f}; }));
}

}  // namespace renoir
