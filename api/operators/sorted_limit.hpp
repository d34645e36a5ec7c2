// sorted_limit_by / sorted_limit: the items ranked offset .. offset+n-1 by a comparator, in order.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <algorithm>
#include <cstddef>
#include <functional>
#include <limits>
#include <vector>

#include <renoir/api/comparator.hpp>
#include <renoir/api/operators/limit.hpp>
#include <renoir/core/op_base.hpp>

namespace renoir {
namespace ops {
/// Keeps the `keep` smallest items (stable: among equal items, the first arrived), then at the
/// end of the stream (or of a round) emits them sorted, skipping the first `skip`. The buffer
/// holds at most max(2 * keep, 1024) items: when full, it is sorted and cut back to `keep`.
template <class T, class Less, class Next>
struct TopK : core::EmitAtBoundary<TopK<T, Less, Next>, Next> {
  Less less;
  std::size_t keep;
  std::size_t skip = 0;
  std::vector<T> items{};
  template <class X>
  void push(X&& x) {
    if (keep == 0) return;
    items.push_back(std::forward<X>(x));
    if (keep <= std::numeric_limits<std::size_t>::max() / 2 && items.size() >= std::max<std::size_t>(2 * keep, 1024))
      cut();
  }
  void emit() {
    cut();
    for (std::size_t i = skip; i < items.size(); ++i) this->next.push(std::move(items[i]));
    items.clear();
  }

 private:
  void cut() {
    std::stable_sort(items.begin(), items.end(), less);
    if (items.size() > keep) items.erase(items.begin() + static_cast<std::ptrdiff_t>(keep), items.end());
  }
};
}  // namespace ops

template <class T, class S, class O>
template <class Cmp>
auto Stream<T, S, O>::sorted_limit_by(Cmp cmp, std::size_t n, std::size_t offset) const {
  if constexpr (detail::Comparator<Cmp, T>) {
    using Less = detail::AsLess<Cmp>;
    const std::size_t keep = detail::saturating_add(offset, n);
    // Every replica keeps its offset + n best items; one replica ranks what they send.
    return this
        ->template then<T>([less = Less{cmp}, keep](auto next) {
          return ops::TopK<T, Less, decltype(next)>{{std::move(next)}, less, keep};
        })
        .gather()
        .template then<T>([less = Less{cmp}, keep, offset](auto next) {
          return ops::TopK<T, Less, decltype(next)>{{std::move(next)}, less, keep, offset};
        });
  } else {
    static_assert(detail::Comparator<Cmp, T>, RENOIR_COMPARATOR_MESSAGE);
    return *this;
  }
}

template <class T, class S, class O>
auto Stream<T, S, O>::sorted_limit(std::size_t n, std::size_t offset) const {
  return sorted_limit_by(std::less<T>{}, n, offset);
}

}  // namespace renoir
