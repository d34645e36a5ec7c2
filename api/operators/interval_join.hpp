// interval_join: pairs of two keyed streams' items whose timestamps are close enough.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include <renoir/api/operators/keyed_fold.hpp>
#include <renoir/api/operators/two_inputs.hpp>
#include <renoir/core/event_time.hpp>
#include <renoir/core/receiver.hpp>
#include <renoir/core/routers.hpp>

namespace renoir {
namespace ops {
/// Source of an interval join block: both sides by key hash. Each arriving item is matched
/// against the other side's held items of its key, then held itself, so every pair is emitted
/// once, when its later item arrives, stamped with the later timestamp. Held items go once the
/// other side's watermark says no partner can come; late items are counted and dropped.
template <class K, class T, class U>
struct IntervalJoinSource : TwoGates<std::pair<K, T>, std::pair<K, U>> {
  using L = std::pair<K, T>;
  using R = std::pair<K, U>;
  using Out = std::pair<K, std::pair<T, U>>;
  using TwoGates<L, R>::left;
  using TwoGates<L, R>::right;
  core::Timestamp lower, upper;  // r.ts in [l.ts - lower, l.ts + upper]
  std::shared_ptr<std::atomic<std::uint64_t>> late_total;

  struct Held {
    std::vector<std::pair<core::Timestamp, T>> l;
    std::vector<std::pair<core::Timestamp, U>> r;
  };

  template <class Chain>
  struct State {
    Chain* chain;
    core::Timestamp lower, upper;
    KeyMap<K, Held> held{};
    core::Timestamp lwm = core::no_watermark, rwm = core::no_watermark;
    core::LateItems late;
    bool dirty = false;

    void emit(const K& k, const T& t, const U& u, core::Timestamp a, core::Timestamp b) {
      core::set_current_timestamp(std::max(a, b));
      chain->push(Out(k, std::pair<T, U>(t, u)));
      dirty = true;
    }
    void left_item(L&& x) {
      const core::Timestamp t = core::current_timestamp();
      if (t < lwm) {
        ++late.count;
        return;
      }
      Held& h = held[x.first];
      for (const auto& [rt, u] : h.r)
        if (rt >= t - lower && rt <= t + upper) emit(x.first, x.second, u, t, rt);
      h.l.emplace_back(t, std::move(x.second));
    }
    void right_item(R&& x) {
      const core::Timestamp t = core::current_timestamp();
      if (t < rwm) {
        ++late.count;
        return;
      }
      Held& h = held[x.first];
      for (const auto& [lt, v] : h.l)
        if (t >= lt - lower && t <= lt + upper) emit(x.first, v, x.second, lt, t);
      h.r.emplace_back(t, std::move(x.second));
    }
    /// Drops the held items no future partner can match: a left item once the right watermark
    /// is past l.ts + upper, a right item once the left watermark is past r.ts + lower.
    void prune() {
      boost::unordered::erase_if(held, [&](auto& kv) {
        auto& [l, r] = kv.second;
        std::erase_if(l, [&](const auto& e) { return rwm != core::no_watermark && e.first + upper < rwm; });
        std::erase_if(r, [&](const auto& e) { return lwm != core::no_watermark && e.first + lower < lwm; });
        return l.empty() && r.empty();
      });
    }
  };

  template <class Chain, bool is_left>
  struct Side {
    State<Chain>* s;
    void push(std::conditional_t<is_left, L, R>&& x) {
      if constexpr (is_left) s->left_item(std::move(x));
      else s->right_item(std::move(x));
    }
    void flush() {}
    void watermark(core::Timestamp t) { (is_left ? s->lwm : s->rwm) = t; }
    void restart() {}
    void end() {}
  };

  template <class Chain>
  void run(Chain& chain, const core::ReplicaContext& rc) const {
    if (!rc.timestamped) throw std::logic_error("renoir: interval_join needs timestamped streams (add_timestamps)");
    core::Receiver<L> lin(left->inlets(*rc.deployment, rc.info.index));
    core::Receiver<R> rin(right->inlets(*rc.deployment, rc.info.index));
    State<Chain> st{&chain, lower, upper, {}, core::no_watermark, core::no_watermark, {late_total}};
    Side<Chain, true> ls{&st};
    Side<Chain, false> rs{&st};
    TwoWatermarks wm;
    core::Timestamp pruned_l = core::no_watermark, pruned_r = core::no_watermark;
    while (!lin.finished() || !rin.finished()) {
      bool progressed = false;
      if (!lin.finished()) progressed |= lin.poll(ls);
      if (!rin.finished()) progressed |= rin.poll(rs);
      if (lin.finished()) st.lwm = core::final_watermark;  // no left item can come: prune the right
      if (rin.finished()) st.rwm = core::final_watermark;
      if (st.lwm != pruned_l || st.rwm != pruned_r) {
        pruned_l = st.lwm;
        pruned_r = st.rwm;
        st.prune();
      }
      wm.advance(chain, st.lwm, lin.finished(), st.rwm, rin.finished());
      if (progressed) continue;
      core::idle(chain, std::exchange(st.dirty, false), rc,
                 [&] { return (!lin.finished() && lin.any_ready()) || (!rin.finished() && rin.any_ready()); });
    }
    st.late.report("interval_join");
    chain.end();
  }
};
}  // namespace ops

template <class K, class V, class S, class O>
template <class V2, class S2, class O2>
auto KeyedStream<K, V, S, O>::interval_join(const KeyedStream<K, V2, S2, O2>& other, Timestamp lower,
                                            Timestamp upper) const {
  if (lower < 0 || upper < 0) throw std::invalid_argument("renoir: interval_join bounds must be >= 0");
  const auto l = inner_;
  const auto r = other.unkey();
  if (!l.options().timestamped || !r.options().timestamped)
    throw std::logic_error("renoir: interval_join needs both streams timestamped (add_timestamps)");
  auto job = l.job();
  if (r.job() != job) throw std::logic_error("renoir: interval_join of streams from different StreamContexts");
  using LP = std::pair<K, V>;
  using RP = std::pair<K, V2>;
  auto* lg = job->graph.template make_gate<LP>();
  auto* rg = job->graph.template make_gate<RP>();
  l.feed(lg, core::HashRouter<ops::PairKey>{});
  r.feed(rg, core::HashRouter<ops::PairKey>{});
  using Src = ops::IntervalJoinSource<K, V, V2>;
  using Out = typename Src::Out;
  return detail::keyed(Stream<Out, Src, core::Identity>(job, Src{{lg, rg}, lower, upper, job->late_items},
                                                        core::Identity{}, merged_options(l.options(), r.options())));
}

}  // namespace renoir
