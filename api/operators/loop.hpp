// What the iteration verbs (replay, iterate, iterate_delta) share: the state handle, the leader
// block that folds each round's partial results into the state, the local fold, and the heads'
// round loop.
//
// The protocol of one loop, per outer round (an "epoch"; a loop that is not nested has one):
//  - the heads (one block, the loop's first) read their input; that is round 0. Each round ends
//    with flush_and_restart through the body;
//  - the local fold at the end of the body sends one partial result per replica and round to the
//    leader (one replica), which folds them into the state in replica order, evaluates the loop
//    condition and broadcasts a command to every head: (stop?, state of the next round);
//  - a head starts the next round only with that command (and, when the body's output comes
//    back, with the whole of the last round's feedback), so the rounds of all replicas are in
//    lock step and the state never changes while a round runs;
//  - after the last round, the leader emits the state and the heads emit the loop's output. If
//    the input was cut by an outer round (flush_and_restart), the heads send one more restart
//    through the body to mark the end of the epoch, and everything starts again from the
//    initial state with the next epoch's input.
#pragma once
#include <algorithm>
#include <cstddef>
#include <deque>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include <renoir/api/job.hpp>
#include <renoir/api/operators/two_inputs.hpp>
#include <renoir/api/traits.hpp>
#include <renoir/core/block.hpp>
#include <renoir/core/emitter.hpp>
#include <renoir/core/op_base.hpp>
#include <renoir/core/receiver.hpp>
#include <renoir/core/replica.hpp>
#include <renoir/core/replication.hpp>
#include <renoir/core/routers.hpp>

namespace renoir {

template <class T, class Source, class Ops>
class Stream;

namespace detail {
/// The loop states visible to the calling thread: (loop identity, that loop's state as this
/// replica holds it), set by a loop head for the operators fused after it.
inline thread_local std::vector<std::pair<const void*, const void*>> loop_states;

/// Makes `state` the calling thread's state of `loop` while alive.
class BindLoopState {
 public:
  BindLoopState(const void* loop, const void* state) : loop_(loop) { loop_states.emplace_back(loop, state); }
  ~BindLoopState() {
    auto it = std::find_if(loop_states.begin(), loop_states.end(), [&](const auto& e) { return e.first == loop_; });
    if (it != loop_states.end()) loop_states.erase(it);
  }
  BindLoopState(const BindLoopState&) = delete;
  BindLoopState& operator=(const BindLoopState&) = delete;

 private:
  const void* loop_;
};

/// The first parameter of a callable with a known signature, without reference and const.
template <class F>
struct first_param;
template <class R, class A, class... Rest>
struct first_param<R (*)(A, Rest...)> {
  using type = std::remove_cvref_t<A>;
};
template <class R, class C, class A, class... Rest>
struct first_param<R (C::*)(A, Rest...)> : first_param<R (*)(A, Rest...)> {};
template <class R, class C, class A, class... Rest>
struct first_param<R (C::*)(A, Rest...) const> : first_param<R (*)(A, Rest...)> {};
template <class F>
  requires requires { &F::operator(); }
struct first_param<F> : first_param<decltype(&F::operator())> {};

/// `Given`, or the accumulator type of the local fold `L` (its first parameter).
template <class Given, class L>
auto delta_type() {
  if constexpr (!std::is_void_v<Given>) {
    return std::type_identity<Given>{};
  } else {
    static_assert(requires { typename first_param<L>::type; },
                  "renoir: cannot tell the type of the local fold's accumulator (a generic lambda?): give it, "
                  "e.g. replay<Delta>(...) or iterate<Delta>(...)");
    return std::type_identity<typename first_param<L>::type>{};
  }
}
template <class Given, class L>
using delta_t = typename decltype(delta_type<Given, L>())::type;

/// The plain stream under a Stream or a KeyedStream (what a loop body may return).
template <class S>
auto as_stream(S s) {
  if constexpr (requires { s.unkey(); })
    return s.unkey();
  else
    return s;
}
}  // namespace detail

/// The state of an iteration as the loop's body sees it: `get()` is the state of the round
/// being computed, the same on every replica. It is visible to the operators fused after the
/// loop's start (before the body's first exchange: group_by, shuffle, ...) and to the local
/// fold when that is in the same block; elsewhere `get()` throws std::logic_error.
template <class S>
class IterationState {
 public:
  IterationState() : id_(std::make_shared<char>()) {}
  const S& get() const { return **slot(); }
  /// Where the calling replica's head keeps the state of the current round (a stable address
  /// for the life of the replica; the state it points to changes between rounds).
  const std::shared_ptr<const S>* slot() const {
    for (auto it = detail::loop_states.rbegin(); it != detail::loop_states.rend(); ++it)
      if (it->first == id_.get()) return static_cast<const std::shared_ptr<const S>*>(it->second);
    throw std::logic_error(
        "renoir: IterationState::get() called outside the loop's first block: the state is visible to the operators "
        "between the start of the loop body and its first exchange (group_by, shuffle, join, ...); pass what later "
        "blocks need along with the items");
  }
  const void* id() const { return id_.get(); }

 private:
  std::shared_ptr<char> id_;  // identity of the loop, shared by the copies of the handle
};

namespace ops {
/// The leader's command to every head after a round: (stop, state of the next round). The
/// state is shared: the heads of a process read one copy (null with stop).
template <class S>
using LoopCommand = std::pair<bool, std::shared_ptr<const S>>;
/// A local fold's result of one round: (its replica index, partial result).
template <class Delta>
using LoopPartial = std::pair<std::size_t, Delta>;

/// Calls `local(delta, x)`, or `local(delta, x, state)` when it takes the loop's state.
template <class L, class Delta, class S, class X>
void local_fold(L& local, Delta& delta, X&& x, const S* state) {
  if constexpr (std::is_invocable_v<L&, Delta&, X&&, const S&>)
    std::invoke(local, delta, std::forward<X>(x), *state);
  else
    detail::accumulate(local, delta, std::forward<X>(x));
}

/// The end of a loop body: folds every item of a round into `Delta` (from Delta{}), and at the
/// end of the round emits (replica, delta) for the leader.
template <class Delta, class L, class S, class Next>
struct LoopLocalFold : core::Forward<Next> {
  L local;
  IterationState<S> handle;
  Delta delta{};
  const std::shared_ptr<const S>* state = nullptr;  // the head's slot, looked up once

  template <class X>
  void push(X&& x) {
    if constexpr (std::is_invocable_v<L&, Delta&, X&&, const S&>) {
      if (!state) state = handle.slot();
      local_fold(local, delta, std::forward<X>(x), state->get());
    } else {
      local_fold(local, delta, std::forward<X>(x), static_cast<const S*>(nullptr));
    }
  }
  void restart() {
    this->next.push(LoopPartial<Delta>(core::this_replica()->index, std::move(delta)));
    delta = Delta{};
    this->next.restart();
  }
};

/// Source of the leader block (one replica): folds the partial results of each round into the
/// state, decides whether the loop goes on, tells the heads, and emits the final state.
template <class S, class Delta, class G, class C>
struct LoopLeader {
  core::Gate<LoopPartial<Delta>>* partials;
  core::Gate<LoopCommand<S>>* commands;
  std::size_t port = 0;
  S init;
  G global;
  C condition;
  std::size_t rounds;

  void attach(std::size_t block) {
    partials->set_receiver(block);
    port = commands->add_sender(block);
  }

  template <class Chain>
  void run(Chain& chain, const core::ReplicaContext& rc) const {
    using P = LoopPartial<Delta>;
    core::Receiver<P> in(partials->inlets(*rc.deployment, rc.info.index));
    core::Emitter<LoopCommand<S>, core::BroadcastRouter> heads(commands->outlets(*rc.deployment, port, rc.info.index),
                                                              {}, rc);
    std::vector<P> got;
    std::size_t complete = 0;
    RoundSink<std::vector<P>> sink{&got, &complete};
    G global_fold = global;
    C loop_condition = condition;
    S state = init;
    std::size_t done = 0;  // rounds of this epoch
    bool stopped = false, any_round = false;
    while (!in.finished()) {
      if (!in.poll(sink)) {
        core::idle(chain, false, rc, [&] { return in.any_ready(); });
        continue;
      }
      if (complete == 0) continue;
      complete = 0;
      any_round = true;
      if (stopped || rounds == 0) {  // the heads marked the end of an epoch (nested loop)
        if (rounds == 0) chain.push(S(state));
        chain.restart();
        got.clear();
        state = init;
        done = 0;
        stopped = false;
        continue;
      }
      // Replica order, not arrival order: the same result whatever the timing.
      std::sort(got.begin(), got.end(), [](const P& a, const P& b) { return a.first < b.first; });
      for (P& p : got) detail::accumulate(global_fold, state, std::move(p.second));
      got.clear();
      ++done;
      const bool more = static_cast<bool>(std::invoke(loop_condition, state)) && done < rounds;
      if (!more) {
        chain.push(S(state));
        stopped = true;
      }
      heads.push(LoopCommand<S>(!more, more ? std::make_shared<const S>(state) : nullptr));
      heads.flush();
    }
    if (rounds == 0 && !any_round) chain.push(S(state));  // zero rounds: the initial state
    heads.end();
    chain.end();
  }
};

/// Source of the loop's first block (the heads). `Policy` says what a round replays (the input
/// again, the body's output, the changed items) and what leaves the loop; it provides
/// `Policy::Run start(rc)` with: `input(x, chain, looping)` for each input item (round 0, or
/// not looping at all with zero rounds), `begin_rounds(chain)` after the input, `poll()`,
/// `ready()`, `finished()` and `round_received()` on the feedback, `take_round()` once a round
/// came back, `push_round(chain)` for the next round, `stop()` when the loop ends (emit the
/// output), `end_epoch()`, `restart_out()`, `end_out()`, and `static constexpr bool feedback`.
template <class T, class S, class Policy>
struct LoopHead {
  core::Gate<T>* input;
  core::Gate<LoopCommand<S>>* commands;
  Policy policy;
  IterationState<S> handle;
  S init;
  std::size_t rounds;

  void attach(std::size_t block) {
    input->set_receiver(block);
    commands->set_receiver(block);
    policy.attach(block);
  }

  template <class Chain>
  void run(Chain& chain, const core::ReplicaContext& rc) const {
    using Cmd = LoopCommand<S>;
    core::Receiver<T> in(input->inlets(*rc.deployment, rc.info.index));
    core::Receiver<Cmd> cmds(commands->inlets(*rc.deployment, rc.info.index));
    auto p = policy.start(rc);
    std::deque<Cmd> pending;
    ops::AppendTo<std::deque<Cmd>> cmd_sink{&pending};
    const auto initial = std::make_shared<const S>(init);
    std::shared_ptr<const S> state = initial;  // this round's, shared with the process's other heads
    detail::BindLoopState bind(handle.id(), &state);

    // Reads commands and feedback until `ready()`.
    const auto wait_until = [&](auto&& ready) {
      while (!ready()) {
        if (cmds.poll(cmd_sink) | p.poll()) continue;
        if (cmds.finished() && pending.empty() && p.finished())
          throw std::logic_error("renoir: a loop head lost its leader before the loop ended");
        core::idle(chain, false, rc, [&] { return cmds.any_ready() || p.ready(); });
      }
    };
    struct InputSink {
      Chain* chain;
      decltype(p)* run;
      bool looping;
      bool ended = false;  // the input ended an outer round
      bool any = false;
      void push(T&& x) {
        any = true;
        run->input(std::move(x), *chain, looping);
      }
      void flush() {}
      void watermark(core::Timestamp) {}
      void restart() { ended = true; }
      void end() {}
    };
    bool after_epoch = false;
    while (true) {
      InputSink sink{&chain, &p, rounds > 0};
      while (!sink.ended && !in.finished()) {
        if (in.poll(sink)) continue;
        core::idle(chain, in.take_dirty(), rc, [&] { return in.any_ready(); });
      }
      const bool last = !sink.ended;
      if (last && after_epoch && !sink.any) break;  // nothing came after the last outer round
      if (rounds > 0) {
        p.begin_rounds(chain);
        chain.restart();  // round 0 was the input itself
        while (true) {
          wait_until([&] { return !pending.empty() && p.round_received(); });
          Cmd c = std::move(pending.front());
          pending.pop_front();
          p.take_round();
          if (c.first) break;
          state = std::move(c.second);
          p.push_round(chain);
          chain.restart();
        }
      }
      p.stop();
      p.end_epoch();
      state = initial;
      if (last) break;
      after_epoch = true;
      chain.restart();  // the end of the epoch, through the body to the leader
      p.restart_out();
      if constexpr (decltype(p)::feedback) {  // the body's (empty) answer to that restart
        wait_until([&] { return p.round_received(); });
        p.take_round();
      }
    }
    chain.end();
    p.end_out();
    while (!cmds.finished() || !p.finished()) {  // the leader's and the body's terminate
      if (cmds.poll(cmd_sink) | p.poll()) continue;
      core::idle(chain, false, rc, [&] { return cmds.any_ready() || p.ready(); });
    }
  }
};

/// End of a loop whose output comes back (iterate, iterate_delta), in the body's last block:
/// folds each round's items into `Delta` for the leader and keeps them; at the end of the
/// round sends them back to the heads, then the partial result to the leader. Keeping the
/// round here (not sending as it comes) is what avoids a deadlock on the cycle: the heads
/// read their feedback only between rounds, and this block never waits for them mid-round.
template <class T, class Delta, class L, class FbRouter>
struct LoopTail {
  core::Gate<T>* feedback;
  core::Gate<LoopPartial<Delta>>* partials;
  FbRouter router;
  L local;
  std::size_t feedback_port = 0, partial_port = 0;

  void attach(std::size_t block) {
    feedback_port = feedback->add_sender(block);
    partial_port = partials->add_sender(block);
  }

  struct Stage {
    core::Emitter<T, FbRouter> back;
    core::Emitter<LoopPartial<Delta>, core::ForwardRouter> leader;
    L local;
    std::size_t replica;
    std::vector<T> round{};
    Delta delta{};

    template <class X>
    void push(X&& x) {
      detail::accumulate(local, delta, static_cast<const T&>(x));
      round.push_back(std::forward<X>(x));
    }
    void flush() {}
    void watermark(core::Timestamp t) { back.watermark(t); }
    void restart() {
      for (T& x : round) back.push(std::move(x));
      round.clear();
      back.restart();
      leader.push(LoopPartial<Delta>(replica, std::move(delta)));
      delta = Delta{};
      leader.restart();
    }
    void end() {
      back.end();
      leader.end();
    }
  };

  Stage make(const core::ReplicaContext& rc) const {
    const auto& d = *rc.deployment;
    return Stage{core::Emitter<T, FbRouter>(feedback->outlets(d, feedback_port, rc.info.index), router, rc),
                 core::Emitter<LoopPartial<Delta>, core::ForwardRouter>(
                     partials->outlets(d, partial_port, rc.info.index), {}, rc),
                 local, rc.info.index};
  }
};

/// The heads' part of a loop whose output comes back: receives the body's output of a round
/// (all of it, from every tail replica) and keeps the next one waiting in its rings.
template <class T>
struct FeedbackIn {
  core::Receiver<T> in;
  std::vector<T> received{};
  std::size_t rounds = 0;

  bool poll() {
    if (rounds > 0) return false;  // a whole round is waiting to be taken
    RoundSink<std::vector<T>> sink{&received, &rounds};
    return in.poll(sink);
  }
  bool ready() const { return rounds == 0 && in.any_ready(); }
  bool finished() const { return in.finished(); }
  /// The last round's output, once complete.
  std::vector<T> take() {
    --rounds;
    return std::exchange(received, {});
  }
};


/// Calls a loop body with the heads' stream, and the state handle if it takes one.
template <class Body, class Heads, class S>
auto call_body(Body& body, Heads heads, const IterationState<S>& handle) {
  if constexpr (std::is_invocable_v<Body&, Heads, IterationState<S>>)
    return detail::as_stream(std::invoke(body, std::move(heads), handle));
  else
    return detail::as_stream(std::invoke(body, std::move(heads)));
}

/// The gates between a loop's heads, its body's end and its leader.
template <class S, class Delta>
struct LoopGates {
  core::Gate<LoopCommand<S>>* commands;
  core::Gate<LoopPartial<Delta>>* partials;
  IterationState<S> handle{};

  explicit LoopGates(detail::Job& job)
      : commands(job.graph.template make_gate<LoopCommand<S>>()),
        partials(job.graph.template make_gate<LoopPartial<Delta>>()) {}

  /// Closes `input` into the loop (moved by `router`); the heads' stream, which the body extends.
  template <class Policy, class Router, class Input>
  auto heads(const Input& input, Router router, core::Replication replication, Policy policy, S init,
             std::size_t rounds) const {
    using T = typename Input::value_type;
    static_assert(!detail::is_view<T>::value,
                  "renoir: items that enter a loop must own their data (std::string, not std::string_view)");
    auto* gate = input.job()->graph.template make_gate<T>();
    input.feed(gate, std::move(router));
    using Head = LoopHead<T, S, Policy>;
    // Rounds replay items without their event time: streams in and after a loop are untimestamped
    // (event-time operators there fail at build time instead of using stale timestamps).
    auto options = input.options().next(replication);
    options.timestamped = false;
    return Stream<T, Head, core::Identity>(input.job(), Head{gate, commands, std::move(policy), handle, std::move(init), rounds},
                                           core::Identity{}, std::move(options));
  }

  /// The leader's stream: the final state of every epoch (once when not nested).
  template <class G, class C>
  auto leader(const std::shared_ptr<detail::Job>& job, S init, G global, C condition, std::size_t rounds,
              core::BatchMode batch_mode) const {
    using Leader = LoopLeader<S, Delta, G, C>;
    Stream<S, Leader, core::Identity> s(job, Leader{partials, commands, 0, std::move(init), std::move(global), std::move(condition), rounds},
                                        core::Identity{}, core::BlockOptions{core::Replication::one(), batch_mode, {}});
    s.drop_if_unused();
    return s;
  }
};

/// The body's output stream in a block of its own (a forward exchange if the body stayed in
/// the heads' block): a loop's tail must not share the heads' thread (see LoopTail).
template <class Head, class Out>
auto off_heads(Out out, core::Replication replication) {
  if constexpr (std::is_same_v<typename Out::source_type, Head>)
    return out.exchange(core::ForwardRouter{}, replication);
  else
    return out;
}
}  // namespace ops

}  // namespace renoir
