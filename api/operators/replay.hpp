// replay: the same input, replayed every round against a state updated once per round.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <cstddef>
#include <functional>
#include <type_traits>
#include <utility>
#include <vector>

#include <renoir/api/operators/loop.hpp>

namespace renoir {
namespace ops {
/// Replay rounds: each head keeps its share of the input and pushes it again every round.
template <class T>
struct ReplayRounds {
  void attach(std::size_t) const {}

  struct Run {
    static constexpr bool feedback = false;
    std::vector<T> items{};

    template <class Chain>
    void input(T&& x, Chain& chain, bool looping) {
      if (!looping) return;  // zero rounds: nothing to compute
      items.push_back(x);
      chain.push(std::move(x));
    }
    template <class Chain>
    void begin_rounds(Chain&) {}
    bool poll() { return false; }
    bool ready() const { return false; }
    bool finished() const { return true; }
    bool round_received() const { return true; }
    void take_round() {}
    template <class Chain>
    void push_round(Chain& chain) {
      for (const T& x : items) chain.push(x);
    }
    void stop() {}
    void end_epoch() { items = std::vector<T>(); }
    void restart_out() {}
    void end_out() {}
  };
  Run start(const core::ReplicaContext&) const { return {}; }
};
}  // namespace ops

template <class T, class Src, class O>
template <class Delta, class State, class Body, class L, class G, class C>
auto Stream<T, Src, O>::replay(std::size_t iterations, State initial_state, Body body, L local_fold, G global_fold,
                               C loop_condition) const {
  static_assert(std::is_copy_constructible_v<T>, "renoir: replay keeps the items to push them again: they must be copyable");
  using D = detail::delta_t<Delta, L>;
  static_assert(std::is_default_constructible_v<D>, "renoir: the local fold's accumulator starts each round from Delta{}");
  ops::LoopGates<State, D> loop(*job_);
  auto heads = loop.heads(*this, core::ForwardRouter{}, options_.replication, ops::ReplayRounds<T>{}, initial_state,
                          iterations);
  auto out = ops::call_body(body, std::move(heads), loop.handle);
  using U = typename decltype(out)::value_type;
  static_assert(std::is_invocable_v<L&, D&, U&&> || std::is_invocable_v<L&, D&, U&&, const State&> ||
                    std::is_invocable_r_v<D, L&, D&&, U&&>,
                "renoir: replay's local fold must be callable as f(Delta&, U), f(Delta&, U, const State&) or "
                "f(Delta, U) -> Delta, U being the body's item type");
  out.template then<ops::LoopPartial<D>>([local_fold, handle = loop.handle](auto next) {
       return ops::LoopLocalFold<D, L, State, decltype(next)>{{std::move(next)}, local_fold, handle};
     }).feed(loop.partials, core::ForwardRouter{});
  return loop.leader(job_, std::move(initial_state), std::move(global_fold), std::move(loop_condition), iterations,
                     options_.batch_mode);
}

template <class T, class Src, class O>
template <class Delta, class State, class L, class G, class C>
auto Stream<T, Src, O>::replay(std::size_t iterations, State initial_state, L local_fold, G global_fold,
                               C loop_condition) const {
  return replay<Delta>(
      iterations, std::move(initial_state), [](auto s) { return s; }, std::move(local_fold), std::move(global_fold),
      std::move(loop_condition));
}

}  // namespace renoir
