// inspect: look at each item, pass it on unchanged.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <functional>
#include <type_traits>
#include <utility>

#include <renoir/core/op_base.hpp>

namespace renoir {
namespace ops {
template <class F, class Next>
struct Inspect : core::Forward<Next> {
  F f;
  template <class X>
  void push(X&& x) {
    std::invoke(f, std::as_const(x));
    this->next.push(std::forward<X>(x));
  }
};
}  // namespace ops

template <class T, class S, class O>
template <class F>
auto Stream<T, S, O>::inspect(F f) const {
  static_assert(std::is_invocable_v<F&, const T&>, "renoir: inspect expects f(const T&)");
  return this->template then<T>([f](auto next) { return ops::Inspect<F, decltype(next)>{{std::move(next)}, f}; });
}

/// Keyed inspect: `f(key, const value&)` or `f(const pair&)`.
template <class K, class V, class S, class O>
template <class F>
auto KeyedStream<K, V, S, O>::inspect(F f) const {
  static_assert(std::is_invocable_v<F&, const K&, const V&> || std::is_invocable_v<F&, const std::pair<K, V>&>,
                "renoir: KeyedStream::inspect expects f(const K&, const V&) or f(const std::pair<K, V>&)");
  return detail::keyed(inner_.inspect([f](const std::pair<K, V>& kv) mutable {
    if constexpr (std::is_invocable_v<F&, const K&, const V&>)
      std::invoke(f, kv.first, kv.second);
    else
      std::invoke(f, kv);
  }));
}

}  // namespace renoir
