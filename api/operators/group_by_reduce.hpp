// group_by_reduce and its shorthands group_by_min_element, group_by_max_element.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <renoir/api/operators/group_by.hpp>  // used by this verb
#include <renoir/api/operators/reduce.hpp>  // used by this verb
#include <functional>
#include <type_traits>
#include <utility>

#include <renoir/api/operators/keyed_fold.hpp>
#include <renoir/core/routers.hpp>

namespace renoir {

/// Per-key reduce with pre-aggregation: each replica reduces its items per key, then the
/// partial results move to the key's replica and are reduced again with the same function.
template <class T, class S, class O>
template <class KeyFn, class F>
auto Stream<T, S, O>::group_by_reduce(KeyFn key, F f) const {
  auto local = key_by(std::move(key)).reduce(f).unkey();
  using P = typename decltype(local)::value_type;
  auto moved = local.exchange(core::HashRouter<ops::PairKey>{}, Replication::unlimited());
  return detail::keyed(moved.template then<P>([f](auto next) {
    return ops::KeyedReduce<typename P::first_type, T, F, decltype(next)>{{std::move(next)}, f};
  }));
}

template <class T, class S, class O>
template <class KeyFn, class ValueFn>
auto Stream<T, S, O>::group_by_min_element(KeyFn key, ValueFn value) const {
  return group_by_reduce(std::move(key), [value](T& best, T x) {
    if (std::invoke(value, x) < std::invoke(value, best)) best = std::move(x);
  });
}

template <class T, class S, class O>
template <class KeyFn, class ValueFn>
auto Stream<T, S, O>::group_by_max_element(KeyFn key, ValueFn value) const {
  return group_by_reduce(std::move(key), [value](T& best, T x) {
    if (std::invoke(value, best) < std::invoke(value, x)) best = std::move(x);
  });
}

}  // namespace renoir
