// merge: the union of two streams of the same type, in a new block.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <stdexcept>

#include <renoir/api/operators/keyed_fold.hpp>
#include <renoir/core/routers.hpp>

namespace renoir {

template <class T, class S, class O>
template <class S2, class O2>
auto Stream<T, S, O>::merge(const Stream<T, S2, O2>& other) const {
  if (other.job() != job_) throw std::logic_error("renoir: merge of streams from different StreamContexts");
  auto* gate = job_->graph.template make_gate<T>();
  feed(gate, core::ForwardRouter{});
  other.feed(gate, core::ForwardRouter{});
  return Stream<T, core::ReceiverSource<T>, core::Identity>(
      job_, core::ReceiverSource<T>{gate}, core::Identity{}, merged_options(options_, other.options()));
}

/// Keyed merge: both sides are routed by key hash into the new block, so the union stays
/// partitioned by key (pairs that were on their key's replica stay on the same replica index).
template <class K, class V, class S, class O>
template <class S2, class O2>
auto KeyedStream<K, V, S, O>::merge(const KeyedStream<K, V, S2, O2>& other) const {
  const auto right = other.unkey();
  if (right.job() != inner_.job()) throw std::logic_error("renoir: merge of streams from different StreamContexts");
  using P = std::pair<K, V>;
  auto* gate = inner_.job()->graph.template make_gate<P>();
  inner_.feed(gate, core::HashRouter<ops::PairKey>{});
  right.feed(gate, core::HashRouter<ops::PairKey>{});
  return detail::keyed(Stream<P, core::ReceiverSource<P>, core::Identity>(
      inner_.job(), core::ReceiverSource<P>{gate}, core::Identity{},
      merged_options(inner_.options(), other.unkey().options())));
}

}  // namespace renoir
