// limit(n) / limit(n, offset): skip `offset` items, then at most n; cut per replica first, then in one replica.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <cstddef>
#include <limits>
#include <utility>

#include <renoir/core/op_base.hpp>

namespace renoir {
namespace ops {
/// Drops the first `skip` items, then passes at most `remaining`.
template <class Next>
struct Limit : core::Forward<Next> {
  std::size_t remaining;
  std::size_t skip = 0;
  template <class X>
  void push(X&& x) {
    if (skip > 0) {
      --skip;
      return;
    }
    if (remaining == 0) return;
    --remaining;
    this->next.push(std::forward<X>(x));
  }
};

}  // namespace ops

template <class T, class S, class O>
auto Stream<T, S, O>::limit(std::size_t n) const {
  return limit(n, 0);
}

template <class T, class S, class O>
auto Stream<T, S, O>::limit(std::size_t n, std::size_t offset) const {
  // Each replica keeps its first offset + n items (enough for the global cut), then one replica
  // skips `offset` of what it receives and keeps n.
  const std::size_t keep = detail::saturating_add(offset, n);
  return this->template then<T>([keep](auto next) { return ops::Limit<decltype(next)>{{std::move(next)}, keep}; })
      .gather()
      .template then<T>([n, offset](auto next) { return ops::Limit<decltype(next)>{{std::move(next)}, n, offset}; });
}

}  // namespace renoir
