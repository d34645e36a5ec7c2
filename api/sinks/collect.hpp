// collect_vec / collect<Container> / collect_count / collect_all<Container> / collect_vec_all: gather results for the caller.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

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

/// Terminal keeping the last item (the result of a fold).
template <class T>
struct StoreLast {
  std::shared_ptr<detail::OutputSlot<T>> slot;
  std::optional<T> last{};
  template <class X>
  void push(X&& x) {
    last = std::forward<X>(x);
  }
  void flush() {}
  void watermark(core::Timestamp) {}
  void restart() {}
  void end() {
    if (last) slot->set(std::move(*last));
  }
};

template <class T>
struct StoreLastFactory {
  std::shared_ptr<detail::OutputSlot<T>> slot;
  void attach(std::size_t) {}
  StoreLast<T> make(const core::ReplicaContext&) const { return {slot}; }
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
  fold_assoc(
      std::size_t{0}, [](std::size_t& n, const T&) { ++n; }, [](std::size_t& n, std::size_t part) { n += part; })
      .finish(ops::StoreLastFactory<std::size_t>{slot});
  return StreamOutput<std::size_t>(slot);
}

}  // namespace renoir
