// iterate_delta: a keyed solution set that only the changed items go around again to update.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <cstddef>
#include <functional>
#include <type_traits>
#include <utility>
#include <vector>

#include <renoir/api/operators/keyed_fold.hpp>
#include <renoir/api/operators/loop.hpp>

namespace renoir {
namespace ops {
/// Delta rounds: each head owns the solution items of its keys. Round 0 is the whole solution
/// set; the body's output (candidates) comes back by key, `update(current, candidate)` folds
/// each into its key's item, and only the items that changed (or are new) make the next round.
/// The solution set leaves the loop when a round yields no candidate, or after the last round.
template <class T, class KeyFn, class Update>
struct DeltaRounds {
  core::Gate<T>* feedback;
  core::Gate<T>* output;
  KeyFn key;
  Update update;
  std::size_t out_port = 0;

  void attach(std::size_t block) {
    feedback->set_receiver(block);
    out_port = output->add_sender(block);
  }

  using K = detail::owned_key_t<std::remove_cvref_t<std::invoke_result_t<KeyFn&, const T&>>>;
  struct Entry {
    T item;
    std::size_t queued;  // the round it last joined the work set
  };

  struct Run {
    static constexpr bool feedback = true;
    FeedbackIn<T> back;
    core::Emitter<T, core::ForwardRouter> out;
    KeyFn key;
    Update update;
    KeyMap<K, std::size_t> index{};  // key -> its entry
    std::vector<Entry> solution{};
    std::vector<std::size_t> work{};  // entries that go around next round
    std::size_t round = 1;

    /// Folds `x` into the solution set (one hash lookup); queues its entry if it changed.
    void offer(T&& x) {
      auto [it, fresh] = index.try_emplace(K(std::invoke(key, static_cast<const T&>(x))), solution.size());
      if (fresh) {
        solution.push_back(Entry{std::move(x), round});
        work.push_back(it->second);
        return;
      }
      Entry& e = solution[it->second];
      if (std::invoke(update, e.item, std::move(x)) && e.queued != round) {
        e.queued = round;
        work.push_back(it->second);
      }
    }
    template <class Chain>
    void input(T&& x, Chain&, bool) {
      offer(std::move(x));
    }
    template <class Chain>
    void begin_rounds(Chain& chain) {
      push_round(chain);
    }
    bool poll() { return back.poll(); }
    bool ready() const { return back.ready(); }
    bool finished() const { return back.finished(); }
    bool round_received() const { return back.rounds > 0; }
    void take_round() {
      ++round;
      for (T& x : back.take()) offer(std::move(x));
    }
    template <class Chain>
    void push_round(Chain& chain) {
      for (std::size_t i : work) chain.push(static_cast<const T&>(solution[i].item));
      work.clear();
    }
    void stop() {
      for (Entry& e : solution) out.push(std::move(e.item));
    }
    void end_epoch() {
      index = KeyMap<K, std::size_t>();
      solution = std::vector<Entry>();
      work.clear();
      round = 1;
    }
    void restart_out() { out.restart(); }
    void end_out() { out.end(); }
  };
  Run start(const core::ReplicaContext& rc) const {
    const auto& d = *rc.deployment;
    return Run{FeedbackIn<T>{core::Receiver<T>(feedback->inlets(d, rc.info.index))},
               core::Emitter<T, core::ForwardRouter>(output->outlets(d, out_port, rc.info.index), {}, rc), key, update};
  }
};

/// The delta loop's state: (candidates of all rounds so far, of the round being folded).
using DeltaCount = std::pair<std::size_t, std::size_t>;
}  // namespace ops

template <class T, class Src, class O>
template <class KeyFn, class Update, class Body>
auto Stream<T, Src, O>::iterate_delta(std::size_t iterations, KeyFn key, Update update, Body body) const {
  static_assert(std::is_invocable_v<KeyFn&, const T&>, "renoir: iterate_delta's key must be callable as key(const T&)");
  static_assert(std::is_invocable_r_v<bool, Update&, T&, T&&>,
                "renoir: iterate_delta's update must be callable as update(T& current, T candidate) -> bool (changed)");
  using Policy = ops::DeltaRounds<T, KeyFn, Update>;
  ops::LoopGates<ops::DeltaCount, std::size_t> loop(*job_);
  auto* feedback = job_->graph.template make_gate<T>();
  auto* output = job_->graph.template make_gate<T>();
  const Replication replication = Replication::unlimited();
  auto heads = loop.heads(*this, core::HashRouter<KeyFn>{key}, replication, Policy{feedback, output, key, update},
                          ops::DeltaCount{}, iterations);
  using Head = typename decltype(heads)::source_type;
  auto out = ops::call_body(body, std::move(heads), loop.handle);
  static_assert(std::is_same_v<typename decltype(out)::value_type, T>,
                "renoir: iterate_delta's body must return a stream of the solution's item type (candidates)");
  const auto count = [](std::size_t& n, const T&) { ++n; };
  ops::off_heads<Head>(std::move(out), replication)
      .finish(ops::LoopTail<T, std::size_t, decltype(count), core::HashRouter<KeyFn>>{feedback, loop.partials,
                                                                                         {key}, count});
  auto state = loop.leader(
      job_, ops::DeltaCount{}, [](ops::DeltaCount& s, std::size_t n) { s.second += n; },
      [](ops::DeltaCount& s) {
        const bool more = s.second > 0;
        s.first += std::exchange(s.second, 0);
        return more;
      },
      iterations, options_.batch_mode);
  (void)state;  // the count of candidates is of no use to the caller: dropped
  Stream<T, core::ReceiverSource<T>, core::Identity> items(job_, core::ReceiverSource<T>{output}, core::Identity{},
                                                           options_.next(replication));
  items.drop_if_unused();
  return items;
}

}  // namespace renoir
