// unique_assoc: drops duplicates, first per replica, then per hash partition.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <utility>

#include <boost/unordered/unordered_flat_set.hpp>

#include <renoir/core/op_base.hpp>
#include <renoir/core/routers.hpp>

namespace renoir {
namespace ops {
/// Passes an item on the first time it is seen (state per replica).
template <class T, class Next>
struct Unique : core::Forward<Next> {
  boost::unordered_flat_set<T> seen{};
  template <class X>
  void push(X&& x) {
    if (seen.insert(x).second) this->next.push(std::forward<X>(x));
  }
};

struct Self {
  template <class X>
  const X& operator()(const X& x) const {
    return x;
  }
};
}  // namespace ops

template <class T, class S, class O>
auto Stream<T, S, O>::unique_assoc() const {
  auto unique = [](auto next) { return ops::Unique<T, decltype(next)>{{std::move(next)}}; };
  return this->template then<T>(unique)
      .exchange(core::HashRouter<ops::Self>{}, Replication::unlimited())
      .template then<T>(unique);
}

}  // namespace renoir
