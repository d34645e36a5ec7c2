// group_by_fold and its shorthands group_by_sum, group_by_count, group_by_avg.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <renoir/api/operators/map.hpp>  // used by this verb
#include <cstddef>
#include <functional>
#include <type_traits>
#include <utility>

#include <renoir/api/operators/keyed_fold.hpp>
#include <renoir/api/traits.hpp>
#include <renoir/core/routers.hpp>

namespace renoir {

/// Local fold per replica, then the partial results move to the key's replica and are combined
/// with `global(Acc&, Acc)`: only one pair per key and replica crosses the exchange. A key
/// returned as std::string_view is stored as std::string, copied only when first seen.
template <class T, class S, class O>
template <class KeyFn, class Acc, class L, class G>
auto Stream<T, S, O>::group_by_fold(KeyFn key, Acc init, L local, G global) const {
  static_assert(std::is_invocable_v<KeyFn&, const T&>, "renoir: group_by_fold expects key(const T&) -> K");
  detail::check_no_dangling_view<KeyFn>();
  using K = detail::owned_key_t<std::decay_t<std::invoke_result_t<KeyFn&, const T&>>>;
  using P = std::pair<K, Acc>;
  auto partial = this->template then<P>([key, init, local](auto next) {
    return ops::KeyedFoldBy<K, Acc, KeyFn, L, decltype(next)>{{std::move(next)}, key, init, local};
  });
  auto moved = partial.exchange(core::HashRouter<ops::PairKey>{}, Replication::unlimited());
  return detail::keyed(moved.template then<P>([init = std::move(init), global](auto next) {
    return ops::KeyedFold<K, Acc, G, decltype(next)>{{std::move(next)}, init, global};
  }));
}

template <class T, class S, class O>
template <class KeyFn, class ValueFn>
auto Stream<T, S, O>::group_by_sum(KeyFn key, ValueFn value) const {
  using V = std::decay_t<std::invoke_result_t<ValueFn&, const T&>>;
  return group_by_fold(
      std::move(key), V{}, [value](V& acc, const T& x) { acc += std::invoke(value, x); },
      [](V& acc, V part) { acc += part; });
}

template <class T, class S, class O>
template <class KeyFn>
auto Stream<T, S, O>::group_by_count(KeyFn key) const {
  return group_by_fold(
      std::move(key), std::size_t{0}, [](std::size_t& acc, const T&) { ++acc; },
      [](std::size_t& acc, std::size_t part) { acc += part; });
}

template <class T, class S, class O>
template <class KeyFn, class ValueFn>
auto Stream<T, S, O>::group_by_avg(KeyFn key, ValueFn value) const {
  using Acc = std::pair<double, std::size_t>;  // (sum, count)
  return group_by_fold(
             std::move(key), Acc{0.0, 0},
             [value](Acc& acc, const T& x) {
               acc.first += static_cast<double>(std::invoke(value, x));
               ++acc.second;
             },
             [](Acc& acc, const Acc& part) {
               acc.first += part.first;
               acc.second += part.second;
             })
      .map([](const auto&, const Acc& acc) { return acc.first / static_cast<double>(acc.second); });
}

}  // namespace renoir
