// flat_map / rich_flat_map / flatten: one item in, the elements of a range out.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <functional>
#include <iterator>
#include <type_traits>

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

}  // namespace renoir
