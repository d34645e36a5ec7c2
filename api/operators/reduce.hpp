// reduce / reduce_assoc: combine every item into one (sequentially, or per replica first).
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <optional>
#include <utility>

#include <renoir/api/operators/keyed_fold.hpp>
#include <renoir/api/traits.hpp>
#include <renoir/core/op_base.hpp>

namespace renoir {
namespace ops {
/// Reduces every item; emits the result, if there was any item, at the end (or of a round).
template <class T, class F, class Next>
struct Reduce : core::EmitAtBoundary<Reduce<T, F, Next>, Next> {
  F f;
  std::optional<T> acc{};

  template <class X>
  void push(X&& x) {
    if (!acc)
      acc.emplace(std::forward<X>(x));
    else
      detail::accumulate(f, *acc, std::forward<X>(x));
  }

  void emit() {
    if (acc) this->next.push(std::move(*acc));
    acc.reset();
  }
};
}  // namespace ops

template <class T, class S, class O>
template <class F>
auto Stream<T, S, O>::reduce(F f) const {
  return gather().template then<T>([f](auto next) { return ops::Reduce<T, F, decltype(next)>{{std::move(next)}, f}; });
}

template <class T, class S, class O>
template <class F>
auto Stream<T, S, O>::reduce_assoc(F f) const {
  auto partial =
      this->template then<T>([f](auto next) { return ops::Reduce<T, F, decltype(next)>{{std::move(next)}, f}; });
  return partial.reduce(std::move(f));
}

/// Keyed reduce within the current block (the stream is already partitioned by key).
template <class K, class V, class S, class O>
template <class F>
auto KeyedStream<K, V, S, O>::reduce(F f) const {
  return detail::keyed(inner_.template then<std::pair<K, V>>(
      [f](auto next) { return ops::KeyedReduce<K, V, F, decltype(next)>{{std::move(next)}, f}; }));
}

}  // namespace renoir
