// collect_vec / collect<Container> / collect_count / collect_all<Container> / collect_vec_all: gather results for the caller.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include <renoir/core/op_base.hpp>
#include <renoir/api/output.hpp>
#include <renoir/core/replica.hpp>
#include <renoir/core/routers.hpp>

namespace renoir {
namespace ops {
template <class C, class X>
void insert_into(C& c, X&& x) {
  if constexpr (requires { c.push_back(std::forward<X>(x)); })
    c.push_back(std::forward<X>(x));
  else
    c.insert(std::forward<X>(x));
}

/// Terminal of a one-replica block: fills a container, publishes it at the end.
template <class Container>
struct Collect {
  std::shared_ptr<detail::OutputSlot<Container>> slot;
  Container items{};
  template <class X>
  void push(X&& x) {
    insert_into(items, std::forward<X>(x));
  }
  void flush() {}
  void watermark(core::Timestamp) {}
  void restart() {}
  void end() { slot->set(std::move(items)); }
};

template <class Container>
struct CollectFactory {
  std::shared_ptr<detail::OutputSlot<Container>> slot;
  void attach(std::size_t) {}
  Collect<Container> make(const core::ReplicaContext&) const { return {slot}; }
};

/// Counts the items of a replica; emits the count at the end (or of a round), or nothing when
/// the replica saw no item, like Fold (see fold.hpp).
template <class Next>
struct CountItems : core::Forward<Next> {
  std::size_t n = 0;
  template <class X>
  void push(X&&) {
    ++n;
  }
  void restart() {
    emit();
    this->next.restart();
  }
  void end() {
    emit();
    this->next.end();
  }

 private:
  void emit() {
    if (n != 0) this->next.push(std::size_t{n});
    n = 0;
  }
};

/// Terminal of collect_count (one replica): adds up the per-replica counts, from 0, so that
/// no count at all (every replica was empty) publishes 0, as Renoir's CollectCountSink.
struct SumCounts {
  std::shared_ptr<detail::OutputSlot<std::size_t>> slot;
  std::size_t total = 0;
  void push(std::size_t n) { total += n; }
  void flush() {}
  void watermark(core::Timestamp) {}
  void restart() {}
  void end() { slot->set(total); }
};

struct SumCountsFactory {
  std::shared_ptr<detail::OutputSlot<std::size_t>> slot;
  void attach(std::size_t) {}
  SumCounts make(const core::ReplicaContext&) const { return {slot}; }
};
}  // namespace ops

template <class T, class S, class O>
template <class Container>
StreamOutput<Container> Stream<T, S, O>::collect() const {
  auto slot = std::make_shared<detail::OutputSlot<Container>>();
  gather().finish(ops::CollectFactory<Container>{slot});
  return StreamOutput<Container>(slot);
}

template <class T, class S, class O>
StreamOutput<std::vector<T>> Stream<T, S, O>::collect_vec() const {
  return collect<std::vector<T>>();
}

template <class T, class S, class O>
template <class Container>
StreamOutput<Container> Stream<T, S, O>::collect_all() const {
  // One replica per host receives everything: every host ends with the whole container.
  auto slot = std::make_shared<detail::OutputSlot<Container>>();
  exchange(core::BroadcastRouter{}, Replication::host()).finish(ops::CollectFactory<Container>{slot});
  return StreamOutput<Container>(slot);
}

template <class T, class S, class O>
StreamOutput<std::vector<T>> Stream<T, S, O>::collect_vec_all() const {
  return collect_all<std::vector<T>>();
}

template <class T, class S, class O>
StreamOutput<std::size_t> Stream<T, S, O>::collect_count() const {
  auto slot = std::make_shared<detail::OutputSlot<std::size_t>>();
  // Per replica: one count, or none from a replica that saw no item.
  auto counts = this->template then<std::size_t>(
      [](auto next) { return ops::CountItems<decltype(next)>{{std::move(next)}}; });
  counts.gather().finish(ops::SumCountsFactory{slot});
  return StreamOutput<std::size_t>(slot);
}

}  // namespace renoir
