// split(n): n streams, each receiving every item of this one.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <cstddef>
#include <stdexcept>
#include <vector>

#include <renoir/core/emitter.hpp>
#include <renoir/core/fan_out.hpp>

namespace renoir {
namespace ops {
/// Terminal that copies each item into several emitters.
template <class T, class Router>
struct Tee : core::FanOut<std::vector<core::Emitter<T, Router>>> {
  template <class X>
  void push(X&& x) {
    auto& outs = this->outs;
    for (std::size_t i = 0; i + 1 < outs.size(); ++i) outs[i].push(x);
    outs.back().push(std::forward<X>(x));
  }
};

template <class T, class Router>
struct TeeFactory {
  std::vector<core::EmitterFactory<T, Router>> outs;
  void attach(std::size_t block) {
    for (auto& o : outs) o.attach(block);
  }
  Tee<T, Router> make(const core::ReplicaContext& rc) const {
    Tee<T, Router> tee;
    for (const auto& o : outs) tee.outs.push_back(o.make(rc));
    return tee;
  }
};
}  // namespace ops

template <class T, class S, class O>
auto Stream<T, S, O>::split(std::size_t n) const {
  if (n == 0) throw std::invalid_argument("renoir: split(0) would drop the stream");
  ops::TeeFactory<T, core::ForwardRouter> tee;
  std::vector<Stream<T, core::ReceiverSource<T>, core::Identity>> streams;
  for (std::size_t i = 0; i < n; ++i) {
    auto* gate = job_->graph.template make_gate<T>();
    tee.outs.push_back({gate, 0, core::ForwardRouter{}});
    streams.emplace_back(job_, core::ReceiverSource<T>{gate}, core::Identity{}, options_.next(options_.replication));
  }
  finish(std::move(tee));
  return streams;
}

}  // namespace renoir
