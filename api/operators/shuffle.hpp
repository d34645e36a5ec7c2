// shuffle / broadcast / repartition_by / replication: move items into a new block.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <functional>
#include <type_traits>

#include <renoir/api/traits.hpp>
#include <renoir/core/routers.hpp>

namespace renoir {

template <class T, class S, class O>
auto Stream<T, S, O>::shuffle() const {
  return exchange(core::RoundRobinRouter{}, Replication::unlimited());
}

template <class T, class S, class O>
auto Stream<T, S, O>::broadcast() const {
  return exchange(core::BroadcastRouter{}, Replication::unlimited());
}

template <class T, class S, class O>
template <class KeyFn>
auto Stream<T, S, O>::repartition_by(Replication replication, KeyFn key) const {
  static_assert(std::is_invocable_v<KeyFn&, const T&>, "renoir: repartition_by expects key(const T&) -> K");
  detail::check_no_dangling_view<KeyFn>();
  return exchange(core::HashRouter<KeyFn>{std::move(key)}, replication);
}

template <class T, class S, class O>
auto Stream<T, S, O>::replication(Replication replication) const {
  return exchange(core::ForwardRouter{}, replication);
}

template <class T, class S, class O>
auto Stream<T, S, O>::max_parallelism(std::size_t n) const {
  return replication(Replication::limited(n));  // limited(0) throws std::invalid_argument
}

/// Keyed shuffle: a plain Stream of pairs, as in Renoir (a key's pairs end up on several replicas).
template <class K, class V, class S, class O>
auto KeyedStream<K, V, S, O>::shuffle() const {
  return inner_.shuffle();
}

}  // namespace renoir
