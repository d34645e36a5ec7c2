// iterate: the body's output goes around again; a state is updated once per round.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include <renoir/api/operators/loop.hpp>

namespace renoir {
namespace ops {
/// Iterate rounds: round r+1 is the body's output of round r; the last round's output leaves
/// the loop (and, with zero rounds, the input itself).
template <class T>
struct IterateRounds {
  core::Gate<T>* feedback;
  core::Gate<T>* output;
  std::size_t out_port = 0;

  void attach(std::size_t block) {
    feedback->set_receiver(block);
    out_port = output->add_sender(block);
  }

  struct Run {
    static constexpr bool feedback = true;
    FeedbackIn<T> back;
    core::Emitter<T, core::ForwardRouter> out;
    std::vector<T> next{};

    template <class Chain>
    void input(T&& x, Chain& chain, bool looping) {
      if (looping)
        chain.push(std::move(x));
      else
        out.push(std::move(x));
    }
    template <class Chain>
    void begin_rounds(Chain&) {}
    bool poll() { return back.poll(); }
    bool ready() const { return back.ready(); }
    bool finished() const { return back.finished(); }
    bool round_received() const { return back.rounds > 0; }
    void take_round() { next = back.take(); }
    template <class Chain>
    void push_round(Chain& chain) {
      for (T& x : next) chain.push(std::move(x));
      next.clear();
    }
    void stop() {
      for (T& x : next) out.push(std::move(x));
      next.clear();
    }
    void end_epoch() { next = std::vector<T>(); }
    void restart_out() { out.restart(); }
    void end_out() { out.end(); }
  };
  Run start(const core::ReplicaContext& rc) const {
    const auto& d = *rc.deployment;
    return Run{FeedbackIn<T>{core::Receiver<T>(feedback->inlets(d, rc.info.index))},
               core::Emitter<T, core::ForwardRouter>(output->outlets(d, out_port, rc.info.index), {}, rc)};
  }
};
}  // namespace ops

template <class T, class Src, class O>
template <class Delta, class State, class Body, class L, class G, class C>
auto Stream<T, Src, O>::iterate(std::size_t iterations, State initial_state, Body body, L local_fold, G global_fold,
                                C loop_condition) const {
  using D = detail::delta_t<Delta, L>;
  static_assert(std::is_default_constructible_v<D>, "renoir: the local fold's accumulator starts each round from Delta{}");
  static_assert(std::is_invocable_v<L&, D&, const T&> || std::is_invocable_r_v<D, L&, D&&, const T&>,
                "renoir: iterate's local fold must be callable as f(Delta&, const T&) or f(Delta, const T&) -> Delta "
                "(it runs at the end of the body, where the state is not visible)");
  ops::LoopGates<State, D> loop(*job_);
  auto* feedback = job_->graph.template make_gate<T>();
  auto* output = job_->graph.template make_gate<T>();
  const Replication replication = options_.replication;
  using Policy = ops::IterateRounds<T>;
  auto heads = loop.heads(*this, core::ForwardRouter{}, replication, Policy{feedback, output}, initial_state, iterations);
  using Head = typename decltype(heads)::source_type;
  auto out = ops::call_body(body, std::move(heads), loop.handle);
  static_assert(std::is_same_v<typename decltype(out)::value_type, T>,
                "renoir: iterate's body must return a stream of the loop's item type (its output goes around again)");
  ops::off_heads<Head>(std::move(out), replication)
      .finish(ops::LoopTail<T, D, L, core::ForwardRouter>{feedback, loop.partials, {}, std::move(local_fold)});
  auto state = loop.leader(job_, std::move(initial_state), std::move(global_fold), std::move(loop_condition), iterations,
                           options_.batch_mode);
  Stream<T, core::ReceiverSource<T>, core::Identity> items(job_, core::ReceiverSource<T>{output}, core::Identity{},
                                                           options_.next(replication));
  items.drop_if_unused();
  return std::pair{std::move(state), std::move(items)};
}

}  // namespace renoir
