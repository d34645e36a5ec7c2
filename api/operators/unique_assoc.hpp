// unique_assoc / unique_assoc_by_key: drops duplicates, first per replica, then per hash partition.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <functional>
#include <type_traits>
#include <utility>

#include <renoir/api/operators/keyed_fold.hpp>
#include <renoir/api/traits.hpp>

#include <boost/unordered/unordered_flat_set.hpp>

#include <renoir/core/op_base.hpp>
#include <renoir/core/routers.hpp>

namespace renoir {
namespace ops {
/// Passes an item on the first time it is seen (state per replica).
template <class T, class Next>
struct Unique : core::Forward<Next> {
  boost::unordered_flat_set<T> seen{};
  template <class X>
  void push(X&& x) {
    if (seen.insert(x).second) this->next.push(std::forward<X>(x));
  }
};

struct Self {
  template <class X>
  const X& operator()(const X& x) const {
    return x;
  }
};

/// Passes an item on the first time its key is seen (state per replica).
template <class K, class KeyFn, class Next>
struct UniqueByKey : core::Forward<Next> {
  KeyFn key;
  boost::unordered_flat_set<K> seen{};
  template <class X>
  void push(X&& x) {
    if (seen.insert(K(std::invoke(key, std::as_const(x)))).second) this->next.push(std::forward<X>(x));
  }
};
}  // namespace ops

template <class T, class S, class O>
auto Stream<T, S, O>::unique_assoc() const {
  auto unique = [](auto next) { return ops::Unique<T, decltype(next)>{{std::move(next)}}; };
  return this->template then<T>(unique)
      .exchange(core::HashRouter<ops::Self>{}, Replication::unlimited())
      .template then<T>(unique);
}

template <class T, class S, class O>
template <class KeyFn>
auto Stream<T, S, O>::unique_assoc_by_key(KeyFn key) const {
  static_assert(std::is_invocable_v<KeyFn&, const T&>, "renoir: unique_assoc_by_key expects key(const T&) -> K");
  detail::check_no_dangling_view<KeyFn>();
  // A std::string_view key (a view into the item) is kept as std::string.
  using K = detail::owned_key_t<std::decay_t<std::invoke_result_t<KeyFn&, const T&>>>;
  auto unique = [key](auto next) { return ops::UniqueByKey<K, KeyFn, decltype(next)>{{std::move(next)}, key}; };
  return this->template then<T>(unique)
      .exchange(core::HashRouter<KeyFn>{key}, Replication::unlimited())
      .template then<T>(unique);
}

template <class K, class V, class S, class O>
auto KeyedStream<K, V, S, O>::unique_assoc_by_key() const {
  return detail::keyed(inner_.unique_assoc_by_key(ops::PairKey{}));
}

}  // namespace renoir
