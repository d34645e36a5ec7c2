// sorted_by / sorted: all items in one replica, sorted at the end of the stream.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <algorithm>
#include <functional>
#include <vector>

#include <renoir/api/comparator.hpp>
#include <renoir/core/op_base.hpp>

namespace renoir {
namespace ops {
template <class T, class Less, class Next>
struct Sort : core::EmitAtBoundary<Sort<T, Less, Next>, Next> {
  Less less;
  std::vector<T> items{};
  template <class X>
  void push(X&& x) {
    items.push_back(std::forward<X>(x));
  }

  void emit() {
    std::stable_sort(items.begin(), items.end(), less);
    for (auto& x : items) this->next.push(std::move(x));
    items.clear();
  }
};
}  // namespace ops

template <class T, class S, class O>
template <class Cmp>
auto Stream<T, S, O>::sorted_by(Cmp cmp) const {
  if constexpr (detail::Comparator<Cmp, T>) {
    using Less = detail::AsLess<Cmp>;
    return gather().template then<T>(
        [less = Less{cmp}](auto next) { return ops::Sort<T, Less, decltype(next)>{{std::move(next)}, less}; });
  } else {
    static_assert(detail::Comparator<Cmp, T>, RENOIR_COMPARATOR_MESSAGE);
    return *this;
  }
}

template <class T, class S, class O>
auto Stream<T, S, O>::sorted() const {
  return sorted_by(std::less<T>{});
}

}  // namespace renoir
