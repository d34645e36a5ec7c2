// merge: the union of two streams of the same type, in a new block.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <renoir/core/routers.hpp>

namespace renoir {

template <class T, class S, class O>
template <class S2, class O2>
auto Stream<T, S, O>::merge(const Stream<T, S2, O2>& other) const {
  if (other.job() != job_) throw std::logic_error("renoir: merge of streams from different StreamContexts");
  auto* gate = job_->graph.template make_gate<T>();
  finish(core::EmitterFactory<T, core::ForwardRouter>{gate, 0, {}});
  other.finish(core::EmitterFactory<T, core::ForwardRouter>{gate, 0, {}});
  return Stream<T, core::ReceiverSource<T>, core::Identity>(
      job_, core::ReceiverSource<T>{gate}, core::Identity{}, core::BlockOptions{Replication::unlimited(), options_.batch_mode, {}});
}

}  // namespace renoir
