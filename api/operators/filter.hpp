// filter: keeps the items a predicate accepts.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <functional>
#include <type_traits>
#include <utility>

#include <renoir/api/traits.hpp>
#include <renoir/core/op_base.hpp>

namespace renoir {
namespace ops {
template <class F, class Next>
struct Filter : core::Forward<Next> {
  F f;
  template <class X>
  void push(X&& x) {
    if (std::invoke(f, std::as_const(x))) this->next.push(std::forward<X>(x));
  }
};
}  // namespace ops

template <class T, class S, class O>
template <class F>
auto Stream<T, S, O>::filter(F f) const {
  static_assert(std::is_invocable_r_v<bool, F&, const T&>, "renoir: filter expects a predicate f(const T&) -> bool");
  return this->template then<T>([f](auto next) { return ops::Filter<F, decltype(next)>{{std::move(next)}, f}; });
}

/// Keyed filter: `f(key, const value&) -> bool`.
template <class K, class V, class S, class O>
template <class F>
auto KeyedStream<K, V, S, O>::filter(F f) const {
  return detail::keyed(inner_.filter([f](const std::pair<K, V>& kv) mutable {
    return static_cast<bool>(detail::invoke_kv(f, kv.first, kv.second));
  }));
}

}  // namespace renoir
