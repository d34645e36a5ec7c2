// filter_map / rich_filter_map: map to std::optional, keep the values.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include <boost/unordered/unordered_flat_map.hpp>

#include <renoir/api/traits.hpp>
#include <renoir/core/op_base.hpp>

namespace renoir {
namespace ops {
template <class F, class Next>
struct FilterMap : core::Forward<Next> {
  F f;
  template <class X>
  void push(X&& x) {
    auto r = std::invoke(f, std::forward<X>(x));
    if (r) this->next.push(std::move(*r));
  }
};
}  // namespace ops

template <class T, class S, class O>
template <class F>
auto Stream<T, S, O>::filter_map(F f) const {
  static_assert(std::is_invocable_v<F&, T&&>, "renoir: filter_map expects f(T) -> std::optional<U>");
  detail::check_no_dangling_view<F>();
  using R = std::remove_cvref_t<std::invoke_result_t<F&, T&&>>;
  static_assert(detail::is_optional<R>::value, "renoir: filter_map's callable must return a std::optional");
  using U = typename R::value_type;
  return this->template then<U>([f](auto next) { return ops::FilterMap<F, decltype(next)>{{std::move(next)}, f}; });
}

template <class T, class S, class O>
template <class F>
auto Stream<T, S, O>::rich_filter_map(F f) const {
  return filter_map(std::move(f));
}

/// Keyed filter_map: `f(key, value) -> std::optional<U>`.
template <class K, class V, class S, class O>
template <class F>
auto KeyedStream<K, V, S, O>::filter_map(F f) const {
  using U = typename detail::kv_result_t<F, K, V>::value_type;
  detail::check_no_dangling_view<F>();
  return detail::keyed(inner_.filter_map([f](std::pair<K, V>&& kv) mutable -> std::optional<std::pair<K, U>> {
    auto r = detail::invoke_kv(f, kv.first, std::move(kv.second));
    if (!r) return std::nullopt;
    return std::pair<K, U>(detail::pass_key<U>(kv.first), std::move(*r));
  }));
}

namespace ops {
/// Keyed filter_map with one copy of the callable per key (per-key state, as KeyedRichMap).
template <class K, class F, class Next>
struct KeyedRichFilterMap : core::Forward<Next> {
  F proto;
  boost::unordered_flat_map<K, F> per_key{};
  template <class P>
  void push(P&& kv) {
    auto it = per_key.find(kv.first);
    if (it == per_key.end()) it = per_key.emplace(kv.first, proto).first;
    auto r = detail::invoke_kv(it->second, kv.first, std::move(kv.second));
    using U = typename decltype(r)::value_type;
    if (r) this->next.push(std::pair<K, U>(detail::pass_key<U>(kv.first), std::move(*r)));
  }
};
}  // namespace ops

template <class K, class V, class S, class O>
template <class F>
auto KeyedStream<K, V, S, O>::rich_filter_map(F f) const {
  using R = detail::kv_result_t<F, K, V>;
  static_assert(detail::is_optional<R>::value, "renoir: rich_filter_map's callable must return a std::optional");
  detail::check_no_dangling_view<F>();
  using U = typename R::value_type;
  return detail::keyed(inner_.template then<std::pair<K, U>>(
      [f](auto next) { return ops::KeyedRichFilterMap<K, F, decltype(next)>{{std::move(next)}, f}; }));
}

}  // namespace renoir
