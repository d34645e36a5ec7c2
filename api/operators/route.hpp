// route: sends each item to the first of several streams whose predicate accepts it.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <array>
#include <cstddef>
#include <functional>
#include <tuple>
#include <utility>

#include <renoir/core/emitter.hpp>
#include <renoir/core/fan_out.hpp>

namespace renoir {
namespace ops {
/// Terminal: the predicates are a tuple (no per-item indirect call).
template <class T, class... Preds>
struct FirstMatch : core::FanOut<std::array<core::Emitter<T, core::ForwardRouter>, sizeof...(Preds)>> {
  std::tuple<Preds...> preds;

  template <class X>
  void push(X&& x) {
    route_from<0>(std::forward<X>(x));
  }

 private:
  template <std::size_t I, class X>
  void route_from(X&& x) {
    if constexpr (I < sizeof...(Preds)) {
      if (std::invoke(std::get<I>(preds), std::as_const(x)))
        this->outs[I].push(std::forward<X>(x));
      else
        route_from<I + 1>(std::forward<X>(x));
    }
  }
};

template <class T, class... Preds>
struct FirstMatchFactory {
  std::tuple<Preds...> preds;
  std::array<core::EmitterFactory<T, core::ForwardRouter>, sizeof...(Preds)> outs;

  void attach(std::size_t block) {
    for (auto& o : outs) o.attach(block);
  }
  FirstMatch<T, Preds...> make(const core::ReplicaContext& rc) const {
    return make_impl(rc, std::index_sequence_for<Preds...>{});
  }

 private:
  template <std::size_t... I>
  FirstMatch<T, Preds...> make_impl(const core::ReplicaContext& rc, std::index_sequence<I...>) const {
    return FirstMatch<T, Preds...>{{{outs[I].make(rc)...}}, preds};
  }
};
}  // namespace ops

/// Collects the routes of `Stream::route()`; `build()` closes the stream.
template <class Parent, class... Preds>
class RouteBuilder {
 public:
  RouteBuilder(Parent parent, std::tuple<Preds...> preds) : parent_(std::move(parent)), preds_(std::move(preds)) {}

  /// Adds a route taking the items for which `pred(const T&)` holds (and no earlier route did).
  template <class P>
  RouteBuilder<Parent, Preds..., P> add_route(P pred) const {
    return {parent_, std::tuple_cat(preds_, std::tuple<P>(std::move(pred)))};
  }

  /// One stream per route, in the order they were added.
  auto build() const {
    static_assert(sizeof...(Preds) > 0, "renoir: route() needs at least one add_route");
    using T = typename Parent::value_type;
    using Out = Stream<T, core::ReceiverSource<T>, core::Identity>;
    ops::FirstMatchFactory<T, Preds...> factory{preds_, {}};
    std::vector<Out> streams;
    for (auto& out : factory.outs) {
      auto* gate = parent_.job()->graph.template make_gate<T>();
      out = core::EmitterFactory<T, core::ForwardRouter>{gate, 0, {}};
      streams.emplace_back(parent_.job(), core::ReceiverSource<T>{gate}, core::Identity{},
                           parent_.options().next(parent_.options().replication));
    }
    parent_.finish(std::move(factory));
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return std::array<Out, sizeof...(Preds)>{streams[I]...};
    }(std::index_sequence_for<Preds...>{});
  }

 private:
  Parent parent_;
  std::tuple<Preds...> preds_;
};

template <class T, class S, class O>
auto Stream<T, S, O>::route() const {
  return RouteBuilder<Stream>(*this, std::tuple<>{});
}

}  // namespace renoir
