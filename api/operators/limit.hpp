// limit(n): at most n items, cut per replica first, then in one replica.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <cstddef>
#include <utility>

#include <renoir/core/op_base.hpp>

namespace renoir {
namespace ops {
template <class Next>
struct Limit : core::Forward<Next> {
  std::size_t remaining;
  template <class X>
  void push(X&& x) {
    if (remaining == 0) return;
    --remaining;
    this->next.push(std::forward<X>(x));
  }
};
}  // namespace ops

template <class T, class S, class O>
auto Stream<T, S, O>::limit(std::size_t n) const {
  auto cut = [n](auto next) { return ops::Limit<decltype(next)>{{std::move(next)}, n}; };
  return this->template then<T>(cut).gather().template then<T>(cut);
}

}  // namespace renoir
