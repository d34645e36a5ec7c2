// for_each: calls a function on every item, on the replica holding it.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <cstddef>
#include <functional>
#include <type_traits>
#include <utility>

#include <renoir/core/replica.hpp>

namespace renoir {
namespace ops {
template <class F>
struct ForEach {
  F f;
  template <class X>
  void push(X&& x) {
    std::invoke(f, std::forward<X>(x));
  }
  void flush() {}
  void watermark(core::Timestamp) {}
  void restart() {}
  void end() {}
};

template <class F>
struct ForEachFactory {
  F f;
  void attach(std::size_t) {}
  ForEach<F> make(const core::ReplicaContext&) const { return {f}; }
};
}  // namespace ops

template <class T, class S, class O>
template <class F>
void Stream<T, S, O>::for_each(F f) const {
  static_assert(std::is_invocable_v<F&, T&&>, "renoir: for_each expects f(T)");
  finish(ops::ForEachFactory<F>{std::move(f)});
}

}  // namespace renoir
