// flat_map / rich_flat_map / flatten: one item in, the elements of a range out.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <functional>
#include <iterator>
#include <type_traits>
#include <utility>

#include <boost/unordered/unordered_flat_map.hpp>

#include <renoir/api/traits.hpp>
#include <renoir/core/op_base.hpp>

namespace renoir {
namespace ops {
template <class F, class Next>
struct FlatMap : core::Forward<Next> {
  F f;
  template <class X>
  void push(X&& x) {
    auto&& range = std::invoke(f, std::forward<X>(x));
    for (auto&& y : range) this->next.push(std::move(y));
  }
};

struct Flatten {
  template <class X>
  X&& operator()(X&& x) const {
    return std::forward<X>(x);
  }
};
}  // namespace ops

template <class T, class S, class O>
template <class F>
auto Stream<T, S, O>::flat_map(F f) const {
  static_assert(std::is_invocable_v<F&, T&&>, "renoir: flat_map expects f(T) -> a range of U");
  detail::check_no_dangling_view<F>();
  using R = std::invoke_result_t<F&, T&&>;
  static_assert(detail::Iterable<std::remove_reference_t<R>>, "renoir: flat_map's callable must return a range");
  using U = detail::iter_value_t<std::remove_reference_t<R>>;
  return this->template then<U>([f](auto next) { return ops::FlatMap<F, decltype(next)>{{std::move(next)}, f}; });
}

template <class T, class S, class O>
template <class F>
auto Stream<T, S, O>::rich_flat_map(F f) const {
  return flat_map(std::move(f));
}

template <class T, class S, class O>
auto Stream<T, S, O>::flatten() const {
  static_assert(detail::Iterable<T>, "renoir: flatten needs a stream of ranges");
  return flat_map(ops::Flatten{});
}

namespace ops {
/// Keyed flat_map: one pair (key, u) per element of `f(key, value)`.
template <class K, class F, class Next>
struct KeyedFlatMap : core::Forward<Next> {
  F f;
  template <class P>
  void push(P&& kv) {
    auto&& range = detail::invoke_kv(f, kv.first, std::move(kv.second));
    for (auto&& u : range) this->next.push(std::pair<K, std::remove_cvref_t<decltype(u)>>(kv.first, std::move(u)));
  }
};
}  // namespace ops

template <class K, class V, class S, class O>
template <class F>
auto KeyedStream<K, V, S, O>::flat_map(F f) const {
  using U = detail::iter_value_t<detail::kv_result_t<F, K, V>>;
  detail::check_no_dangling_view<F>();
  return detail::keyed(inner_.template then<std::pair<K, U>>(
      [f](auto next) { return ops::KeyedFlatMap<K, F, decltype(next)>{{std::move(next)}, f}; }));
}

namespace ops {
/// Keyed flat_map with one copy of the callable per key (per-key state, as KeyedRichMap).
template <class K, class F, class Next>
struct KeyedRichFlatMap : core::Forward<Next> {
  F proto;
  boost::unordered_flat_map<K, F> per_key{};
  template <class P>
  void push(P&& kv) {
    auto it = per_key.find(kv.first);
    if (it == per_key.end()) it = per_key.emplace(kv.first, proto).first;
    auto&& range = detail::invoke_kv(it->second, kv.first, std::move(kv.second));
    for (auto&& u : range) this->next.push(std::pair<K, std::remove_cvref_t<decltype(u)>>(kv.first, std::move(u)));
  }
};

/// Keyed flatten: the value is the range.
struct KeyedFlatten {
  template <class K, class X>
  X&& operator()(const K&, X&& x) const {
    return std::forward<X>(x);
  }
};
}  // namespace ops

template <class K, class V, class S, class O>
template <class F>
auto KeyedStream<K, V, S, O>::rich_flat_map(F f) const {
  using R = detail::kv_result_t<F, K, V>;
  static_assert(detail::Iterable<R>, "renoir: rich_flat_map's callable must return a range");
  detail::check_no_dangling_view<F>();
  using U = detail::iter_value_t<R>;
  return detail::keyed(inner_.template then<std::pair<K, U>>(
      [f](auto next) { return ops::KeyedRichFlatMap<K, F, decltype(next)>{{std::move(next)}, f}; }));
}

template <class K, class V, class S, class O>
auto KeyedStream<K, V, S, O>::flatten() const {
  static_assert(detail::Iterable<V>, "renoir: KeyedStream::flatten needs values that are ranges");
  return flat_map(ops::KeyedFlatten{});
}

}  // namespace renoir
