// zip: pairs the items of two streams in arrival order, in a new block of one replica.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <deque>
#include <utility>

#include <renoir/api/operators/two_inputs.hpp>
#include <renoir/core/receiver.hpp>
#include <renoir/core/routers.hpp>

namespace renoir {
namespace ops {
/// Source of a zip block: two typed gates; buffers the side that runs ahead. Inside a loop,
/// each round is zipped on its own (its end passed on as a restart).
template <class A, class B>
struct ZipSource : TwoGates<A, B> {
  using TwoGates<A, B>::left;
  using TwoGates<A, B>::right;

  template <class Chain>
  void run(Chain& chain, const core::ReplicaContext& rc) const {
    core::Receiver<A> lin(left->inlets(*rc.deployment, rc.info.index));
    core::Receiver<B> rin(right->inlets(*rc.deployment, rc.info.index));
    std::deque<A> lq;
    std::deque<B> rq;
    std::deque<core::Timestamp> lts, rts;  // event times of the queued items, if timestamped
    std::size_t lrounds = 0, rrounds = 0;  // rounds a side completed and this zip did not yet
    RoundSink<std::deque<A>> lsink{&lq, &lrounds, rc.timestamped ? &lts : nullptr};
    RoundSink<std::deque<B>> rsink{&rq, &rrounds, rc.timestamped ? &rts : nullptr};
    // A pair's event time is the later of its two items': every pair still to come holds an
    // item still to come on some side, so the smaller side watermark stays a valid promise.
    TwoWatermarks wm;
    // Inside a loop, every round is zipped on its own: a side's next round waits in its rings
    // until the other side's round ended too.
    const auto left_done = [&] { return lrounds > 0 || lin.finished(); };
    const auto right_done = [&] { return rrounds > 0 || rin.finished(); };
    while (true) {
      bool dirty = false;
      while (true) {
        bool progressed = false;
        if (!left_done()) progressed |= lin.poll(lsink);
        if (!right_done()) progressed |= rin.poll(rsink);
        while (!lq.empty() && !rq.empty()) {
          if (rc.timestamped) {
            core::set_current_timestamp(std::max(lts.front(), rts.front()));
            lts.pop_front();
            rts.pop_front();
          }
          chain.push(std::pair<A, B>(std::move(lq.front()), std::move(rq.front())));
          lq.pop_front();
          rq.pop_front();
          dirty = true;
        }
        wm.advance(chain, lsink.watermark_, lin.finished(), rsink.watermark_, rin.finished());
        // A side done with an empty queue will never match again: drop the other's surplus.
        if (left_done() && lq.empty()) rq.clear(), rts.clear();
        if (right_done() && rq.empty()) lq.clear(), lts.clear();
        if (left_done() && right_done()) break;
        if (progressed) continue;
        core::idle(chain, std::exchange(dirty, false), rc,
                   [&] { return (!left_done() && lin.any_ready()) || (!right_done() && rin.any_ready()); });
      }
      lq.clear();
      rq.clear();
      lts.clear();
      rts.clear();
      if (lrounds == 0 && rrounds == 0) break;  // both sides terminated
      lrounds -= lrounds > 0;
      rrounds -= rrounds > 0;
      chain.restart();
    }
    chain.end();
  }
};
}  // namespace ops

template <class T, class S, class O>
template <class U, class S2, class O2>
auto Stream<T, S, O>::zip(const Stream<U, S2, O2>& other) const {
  if (other.job() != job_) throw std::logic_error("renoir: zip of streams from different StreamContexts");
  auto* left = job_->graph.template make_gate<T>();
  auto* right = job_->graph.template make_gate<U>();
  // Every replica of both sides sends to the one zip replica (as Renoir's zip, whose block has
  // parallelism 1): pairing per replica would drop items whenever the sides' replicas hold
  // different counts. Each side's items keep their order per sending replica.
  feed(left, core::ForwardRouter{});
  other.feed(right, core::ForwardRouter{});
  return Stream<std::pair<T, U>, ops::ZipSource<T, U>, core::Identity>(
      job_, ops::ZipSource<T, U>{{left, right}}, core::Identity{},
      merged_options(options_, other.options(), Replication::one()));
}

}  // namespace renoir
