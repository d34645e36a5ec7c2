// join / join_with / left_join / outer_join: equi-joins of two streams, as Renoir's builder
// (ship strategy, then local algorithm, then variant).
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <renoir/api/operators/group_by.hpp>  // used by this verb
#include <renoir/api/operators/map.hpp>  // used by this verb
#include <algorithm>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include <renoir/api/operators/keyed_fold.hpp>
#include <renoir/api/operators/two_inputs.hpp>
#include <renoir/core/receiver.hpp>
#include <renoir/core/routers.hpp>

namespace renoir {

/// Which pairs a join emits: matches only, also unmatched left items, also unmatched on both sides.
enum class JoinVariant { inner, left, outer };
/// How a replica of the join matches the items it received.
enum class JoinLocal { hash, sort_merge };

namespace ops {
/// The item type a join emits for `variant`: (key, (left, right)), optional on a side that may
/// be missing.
template <class K, class T, class U, JoinVariant variant>
using JoinOut = std::pair<K, std::pair<std::conditional_t<variant == JoinVariant::outer, std::optional<T>, T>,
                                       std::conditional_t<variant == JoinVariant::inner, U, std::optional<U>>>>;

/// Source of a join block: the two sides' (key, item) gates. Local hash: the left side is built
/// into a hash table while right items wait; once the left side has ended, right items probe as
/// they arrive. Local sort-merge: both sides are gathered, sorted by key and merged. Inside a
/// loop, every round is joined on its own (its end passed on as a restart).
template <class K, class T, class U, JoinVariant variant, JoinLocal local>
struct JoinSource : TwoGates<std::pair<K, T>, std::pair<K, U>> {
  using L = std::pair<K, T>;
  using R = std::pair<K, U>;
  using Out = JoinOut<K, T, U, variant>;
  using TwoGates<L, R>::left;
  using TwoGates<L, R>::right;

  template <class Chain>
  void run(Chain& chain, const core::ReplicaContext& rc) const {
    core::Receiver<L> lin(left->inlets(*rc.deployment, rc.info.index));
    core::Receiver<R> rin(right->inlets(*rc.deployment, rc.info.index));
    std::vector<L> ls;
    std::vector<R> rs;
    std::vector<core::Timestamp> lts, rts;  // the items' event times, if timestamped
    std::size_t lrounds = 0, rrounds = 0;  // rounds a side completed and this join did not yet
    RoundSink<std::vector<L>> lsink{&ls, &lrounds, rc.timestamped ? &lts : nullptr};
    RoundSink<std::vector<R>> rsink{&rs, &rrounds, rc.timestamped ? &rts : nullptr};
    // One join per round (inside a loop, each side's round ends with flush_and_restart; a
    // side's next round waits in its rings until the other side's round ended too).
    while (true) {
      join_round(chain, rc, lin, rin, lsink, rsink);
      if (lrounds == 0 && rrounds == 0) break;  // both sides terminated
      lrounds -= lrounds > 0;
      rrounds -= rrounds > 0;
      chain.restart();
    }
    chain.end();
  }

 private:
  template <class Chain, class LS, class RS>
  void join_round(Chain& chain, const core::ReplicaContext& rc, core::Receiver<L>& lin, core::Receiver<R>& rin,
                  LS& lsink, RS& rsink) const {
    std::vector<L>& ls = *lsink.items;
    std::vector<R>& rs = *rsink.items;
    std::vector<core::Timestamp> unstamped_l, unstamped_r;  // stay empty
    std::vector<core::Timestamp>& lts = lsink.stamps ? *lsink.stamps : unstamped_l;
    std::vector<core::Timestamp>& rts = rsink.stamps ? *rsink.stamps : unstamped_r;
    const auto left_done = [&] { return *lsink.rounds > 0 || lin.finished(); };
    const auto right_done = [&] { return *rsink.rounds > 0 || rin.finished(); };
    const auto poll = [&] {
      bool progressed = false;
      if (!left_done()) progressed |= lin.poll(lsink);
      if (!right_done()) progressed |= rin.poll(rsink);
      return progressed;
    };
    const auto ready = [&] { return (!left_done() && lin.any_ready()) || (!right_done() && rin.any_ready()); };
    const bool stamped = rc.timestamped;
    if constexpr (local == JoinLocal::hash) {
      struct Entry {
        std::vector<T> items;
        std::vector<core::Timestamp> stamps;  // parallel to items, if timestamped
        bool matched = false;
      };
      KeyMap<K, Entry> table;
      bool dirty = false;
      // A match's event time is the later of its two items'. Once the table is complete, every
      // output still to come holds a right item still to come: the right watermark moves on.
      TwoWatermarks wm;
      const auto stamp = [&](core::Timestamp a, core::Timestamp b) {
        if (stamped) core::set_current_timestamp(std::max(a, b));
      };
      const auto probe = [&] {
        for (std::size_t j = 0; j < rs.size(); ++j) {
          R& r = rs[j];
          const core::Timestamp rt = stamped ? rts[j] : 0;
          auto it = table.find(r.first);
          if (it == table.end()) {
            if constexpr (variant == JoinVariant::outer) {
              stamp(rt, rt);
              chain.push(Out(std::move(r.first), {std::nullopt, std::move(r.second)}));
            }
            continue;
          }
          it->second.matched = true;
          for (std::size_t i = 0; i < it->second.items.size(); ++i) {
            stamp(stamped ? it->second.stamps[i] : 0, rt);
            chain.push(Out(r.first, {it->second.items[i], r.second}));
          }
        }
        dirty |= !rs.empty();
        rs.clear();
        rts.clear();
      };
      const auto build = [&] {
        for (std::size_t i = 0; i < ls.size(); ++i) {
          Entry& e = table[std::move(ls[i].first)];
          e.items.push_back(std::move(ls[i].second));
          if (stamped) e.stamps.push_back(lts[i]);
        }
        ls.clear();
        lts.clear();
      };
      while (!left_done() || !right_done()) {
        const bool progressed = poll();
        build();
        if (left_done()) {  // right items wait until the table is complete
          probe();
          wm.advance(chain, core::final_watermark, true, rsink.watermark_, rin.finished());
        }
        if (progressed) continue;
        core::idle(chain, std::exchange(dirty, false), rc, ready);
      }
      build();
      probe();
      if constexpr (variant != JoinVariant::inner) {
        for (auto& [k, entry] : table)
          if (!entry.matched)
            for (std::size_t i = 0; i < entry.items.size(); ++i) {
              if (stamped) core::set_current_timestamp(entry.stamps[i]);
              chain.push(Out(k, {std::move(entry.items[i]), std::nullopt}));
            }
      }
    } else {
      while (!left_done() || !right_done()) {
        if (poll()) continue;
        core::idle(chain, false, rc, ready);  // nothing emitted yet
      }
      // Everything is emitted at the end of the round, stamped with the latest event time seen.
      if (stamped) {
        core::Timestamp latest = core::no_watermark;
        for (core::Timestamp t : lts) latest = std::max(latest, t);
        for (core::Timestamp t : rts) latest = std::max(latest, t);
        core::set_current_timestamp(latest);
        lts.clear();
        rts.clear();
      }
      const auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
      std::stable_sort(ls.begin(), ls.end(), by_key);
      std::stable_sort(rs.begin(), rs.end(), by_key);
      std::size_t i = 0, j = 0;
      while (i < ls.size() || j < rs.size()) {
        if (j == rs.size() || (i < ls.size() && ls[i].first < rs[j].first)) {
          if constexpr (variant != JoinVariant::inner) chain.push(Out(ls[i].first, {std::move(ls[i].second), std::nullopt}));
          ++i;
        } else if (i == ls.size() || rs[j].first < ls[i].first) {
          if constexpr (variant == JoinVariant::outer) chain.push(Out(rs[j].first, {std::nullopt, std::move(rs[j].second)}));
          ++j;
        } else {  // equal keys: every pair of the two runs
          std::size_t i2 = i, j2 = j;
          while (i2 < ls.size() && !(ls[i].first < ls[i2].first)) ++i2;
          while (j2 < rs.size() && !(rs[j].first < rs[j2].first)) ++j2;
          for (std::size_t a = i; a < i2; ++a)
            for (std::size_t b = j; b < j2; ++b) chain.push(Out(ls[a].first, {ls[a].second, rs[b].second}));
          i = i2;
          j = j2;
        }
      }
      ls.clear();
      rs.clear();
    }
  }
};
}  // namespace ops

/// `join_with(other, key1, key2)`: pick the ship strategy (`ship_hash()`, default, or
/// `ship_broadcast_right()`), then the local algorithm (`local_hash()`, default, or
/// `local_sort_merge()`), then the variant (`inner()`, `left()`, `outer()`), which builds it.
template <class Left, class Right, class K1, class K2, JoinLocal local = JoinLocal::hash>
class JoinBuilder {
 public:
  JoinBuilder(Left left, Right right, K1 key1, K2 key2)
      : left_(std::move(left)), right_(std::move(right)), key1_(std::move(key1)), key2_(std::move(key2)) {}

  /// Both sides move by key hash, so equal keys meet in one replica (the default).
  JoinBuilder ship_hash() const {
    JoinBuilder b = *this;
    b.broadcast_right_ = false;
    return b;
  }
  /// The left side stays on its replicas and every replica receives the whole right side: for a
  /// small right side. Not with outer() (unmatched right items would come once per replica).
  JoinBuilder ship_broadcast_right() const {
    JoinBuilder b = *this;
    b.broadcast_right_ = true;
    return b;
  }
  /// Each replica builds a hash table of its left items and probes it with its right items.
  auto local_hash() const { return with_local<JoinLocal::hash>(); }
  /// Each replica sorts both sides by key and merges them (keys need operator<); the output of
  /// each replica comes sorted by key.
  auto local_sort_merge() const { return with_local<JoinLocal::sort_merge>(); }

  /// The variant chosen at compile time (inner(), left() or outer()).
  template <JoinVariant variant>
  auto build_variant() const {
    if constexpr (variant == JoinVariant::inner)
      return inner();
    else if constexpr (variant == JoinVariant::left)
      return left();
    else
      return outer();
  }
  /// Pairs with equal keys: a KeyedStream of (key, (left, right)).
  auto inner() const { return build<JoinVariant::inner>(); }
  /// Also every left item without a match: (key, (left, std::optional<right>)).
  auto left() const { return build<JoinVariant::left>(); }
  /// Also every item of either side without a match: (key, (optional<left>, optional<right>)).
  auto outer() const {
    if (broadcast_right_)
      throw std::logic_error("renoir: outer join with ship_broadcast_right: use ship_hash (each replica would emit the unmatched right items)");
    return build<JoinVariant::outer>();
  }

 private:
  Left left_;
  Right right_;
  K1 key1_;
  K2 key2_;
  bool broadcast_right_ = false;

  template <class, class, class, class, JoinLocal>
  friend class JoinBuilder;

  template <JoinLocal other>
  JoinBuilder<Left, Right, K1, K2, other> with_local() const {
    JoinBuilder<Left, Right, K1, K2, other> b(left_, right_, key1_, key2_);
    b.broadcast_right_ = broadcast_right_;
    return b;
  }

  template <JoinVariant variant>
  auto build() const {
    auto l = left_.key_by(key1_).unkey();
    auto r = right_.key_by(key2_).unkey();
    using LP = typename decltype(l)::value_type;
    using RP = typename decltype(r)::value_type;
    using K = typename LP::first_type;
    static_assert(std::is_same_v<K, typename RP::first_type>,
                  "renoir: join expects key1 and key2 to return the same key type");
    using T = typename LP::second_type;
    using U = typename RP::second_type;
    auto job = l.job();
    if (r.job() != job) throw std::logic_error("renoir: join of streams from different StreamContexts");
    auto* lg = job->graph.template make_gate<LP>();
    auto* rg = job->graph.template make_gate<RP>();
    if (broadcast_right_) {
      l.feed(lg, core::ForwardRouter{});
      r.feed(rg, core::BroadcastRouter{});
    } else {
      l.feed(lg, core::HashRouter<ops::PairKey>{});
      r.feed(rg, core::HashRouter<ops::PairKey>{});
    }
    // A broadcast join keeps the left side's parallelism, so every left item stays where it is.
    const Replication replication = broadcast_right_ ? left_.options().replication : Replication::unlimited();
    const core::BlockOptions options = merged_options(left_.options(), right_.options(), replication);
    if constexpr (local == JoinLocal::sort_merge)
      static_assert(requires(const K& a, const K& b) { a < b; }, "renoir: local_sort_merge needs keys with operator<");
    using Out = ops::JoinOut<K, T, U, variant>;
    using Src = ops::JoinSource<K, T, U, variant, local>;
    return detail::keyed(Stream<Out, Src, core::Identity>(job, Src{{lg, rg}}, core::Identity{}, options));
  }
};

template <class T, class S, class O>
template <class U, class S2, class O2, class K1, class K2>
auto Stream<T, S, O>::join_with(const Stream<U, S2, O2>& other, K1 key1, K2 key2) const {
  static_assert(std::is_invocable_v<K1&, const T&>, "renoir: join expects key1(const T&) -> K for this stream's items");
  static_assert(std::is_invocable_v<K2&, const U&>, "renoir: join expects key2(const U&) -> K for the other stream's items");
  return JoinBuilder<Stream, Stream<U, S2, O2>, K1, K2>(*this, other, std::move(key1), std::move(key2));
}

namespace ops {
/// The value of a keyed pair, or of an optional one.
template <class P>
auto value_of(P&& p) {
  if constexpr (detail::is_optional<std::remove_cvref_t<P>>::value)
    return p ? std::optional(std::move(p->second)) : std::nullopt;
  else
    return std::move(p.second);
}

/// A join of two keyed streams: the pairs of both sides' pairs, as pairs of their values.
template <JoinVariant variant, class Left, class Right>
auto keyed_join(const Left& left, const Right& right) {
  return detail::keyed(left.join_with(right, PairKey{}, PairKey{})
                           .template build_variant<variant>()
                           .unkey()
                           .map([](auto&& kv) {
                             auto l = value_of(std::move(kv.second.first));
                             auto r = value_of(std::move(kv.second.second));
                             using Out = std::pair<std::remove_cvref_t<decltype(kv.first)>,
                                                   std::pair<decltype(l), decltype(r)>>;
                             return Out(std::move(kv.first), {std::move(l), std::move(r)});
                           }));
}
}  // namespace ops

template <class K, class V, class S, class O>
template <class V2, class S2, class O2>
auto KeyedStream<K, V, S, O>::join(const KeyedStream<K, V2, S2, O2>& other) const {
  return ops::keyed_join<JoinVariant::inner>(inner_, other.unkey());
}

template <class K, class V, class S, class O>
template <class V2, class S2, class O2>
auto KeyedStream<K, V, S, O>::left_join(const KeyedStream<K, V2, S2, O2>& other) const {
  return ops::keyed_join<JoinVariant::left>(inner_, other.unkey());
}

template <class K, class V, class S, class O>
template <class V2, class S2, class O2>
auto KeyedStream<K, V, S, O>::outer_join(const KeyedStream<K, V2, S2, O2>& other) const {
  return ops::keyed_join<JoinVariant::outer>(inner_, other.unkey());
}

template <class T, class S, class O>
template <class U, class S2, class O2, class K1, class K2>
auto Stream<T, S, O>::join(const Stream<U, S2, O2>& other, K1 key1, K2 key2) const {
  return join_with(other, std::move(key1), std::move(key2)).inner();
}

template <class T, class S, class O>
template <class U, class S2, class O2, class K1, class K2>
auto Stream<T, S, O>::left_join(const Stream<U, S2, O2>& other, K1 key1, K2 key2) const {
  return join_with(other, std::move(key1), std::move(key2)).left();
}

template <class T, class S, class O>
template <class U, class S2, class O2, class K1, class K2>
auto Stream<T, S, O>::outer_join(const Stream<U, S2, O2>& other, K1 key1, K2 key2) const {
  return join_with(other, std::move(key1), std::move(key2)).outer();
}

}  // namespace renoir
