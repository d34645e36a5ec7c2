// group_by / key_by: pair items with a key; group_by also moves them to the key's replica.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <renoir/api/operators/map.hpp>  // used by this verb
#include <functional>
#include <type_traits>
#include <utility>

#include <renoir/api/operators/keyed_fold.hpp>
#include <renoir/api/traits.hpp>
#include <renoir/core/op_base.hpp>
#include <renoir/core/routers.hpp>

namespace renoir {
namespace ops {
/// Pairs an item with its key. K owns its data (see owned_key): the key is built before the
/// item moves into the pair, so a key that views into the item is copied while it is valid.
template <class K, class F, class Next>
struct KeyBy : core::Forward<Next> {
  F key;
  template <class X>
  void push(X&& x) {
    K k(std::invoke(key, std::as_const(x)));
    this->next.push(std::pair<K, std::remove_cvref_t<X>>(std::move(k), std::forward<X>(x)));
  }
};
}  // namespace ops

template <class T, class S, class O>
template <class KeyFn>
auto Stream<T, S, O>::key_by(KeyFn key) const {
  static_assert(std::is_invocable_v<KeyFn&, const T&>, "renoir: key_by expects key(const T&) -> K");
  detail::check_no_dangling_view<KeyFn>();
  // A std::string_view key (a view into the item, which then moves) is kept as std::string.
  using K = detail::owned_key_t<std::decay_t<std::invoke_result_t<KeyFn&, const T&>>>;
  auto pairs = this->template then<std::pair<K, T>>(
      [key](auto next) { return ops::KeyBy<K, KeyFn, decltype(next)>{{std::move(next)}, key}; });
  return detail::keyed(std::move(pairs));
}

template <class T, class S, class O>
template <class KeyFn>
auto Stream<T, S, O>::group_by(KeyFn key) const {
  return detail::keyed(key_by(std::move(key)).unkey().exchange(core::HashRouter<ops::PairKey>{}, Replication::unlimited()));
}

template <class K, class V, class S, class O>
auto KeyedStream<K, V, S, O>::drop_key() const {
  return inner_.map([](std::pair<K, V>&& kv) { return std::move(kv.second); });
}

}  // namespace renoir
