// fold / fold_assoc: fold every item into one accumulator (sequentially, or per replica first).
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <optional>
#include <utility>

#include <renoir/api/operators/keyed_fold.hpp>
#include <renoir/api/traits.hpp>
#include <renoir/core/op_base.hpp>

namespace renoir {
namespace ops {
/// Folds every item; emits the accumulator at the end of the stream (or of a round), as
/// Renoir's Fold: the accumulator starts empty and the first item starts it from a copy of
/// `init`, so a replica (or a round) that saw no item emits nothing.
template <class Acc, class F, class Next>
struct Fold : core::EmitAtBoundary<Fold<Acc, F, Next>, Next> {
  Acc init;
  F f;
  std::optional<Acc> acc{};  // engaged by the first item: one predictable branch per item

  template <class X>
  void push(X&& x) {
    if (!acc) acc.emplace(init);
    detail::accumulate(f, *acc, std::forward<X>(x));
  }

  void emit() {
    if (!acc) return;
    this->next.push(std::move(*acc));
    acc.reset();
  }
};
}  // namespace ops

template <class T, class S, class O>
template <class Acc, class F>
auto Stream<T, S, O>::fold(Acc init, F f) const {
  return gather().template then<Acc>(
      [init, f](auto next) { return ops::Fold<Acc, F, decltype(next)>{{std::move(next)}, init, f}; });
}

template <class T, class S, class O>
template <class Acc, class L, class G>
auto Stream<T, S, O>::fold_assoc(Acc init, L local, G global) const {
  auto partial = this->template then<Acc>(
      [init, local](auto next) { return ops::Fold<Acc, L, decltype(next)>{{std::move(next)}, init, local}; });
  return partial.fold(std::move(init), std::move(global));
}

/// Keyed fold within the current block (the stream is already partitioned by key).
template <class K, class V, class S, class O>
template <class Acc, class F>
auto KeyedStream<K, V, S, O>::fold(Acc init, F f) const {
  return detail::keyed(inner_.template then<std::pair<K, Acc>>(
      [init, f](auto next) { return ops::KeyedFold<K, Acc, F, decltype(next)>{{std::move(next)}, init, f}; }));
}

}  // namespace renoir
