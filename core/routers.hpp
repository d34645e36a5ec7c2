// Routing strategies of an emitter: which receiver replica gets an item.
#pragma once
#include <cstddef>
#include <utility>

#include <renoir/core/key_hash.hpp>
#include <renoir/core/replica.hpp>

namespace renoir::core {

/// Same key, same receiver replica (group_by, key_by partitioning).
template <class KeyFn>
struct HashRouter {
  KeyFn key;
  static constexpr bool broadcast = false;
  void bind(const ReplicaInfo&) {}
  template <class T>
  std::size_t route(const T& item, std::size_t n) const {
    return hash_to_index(key_hash(key(item)), n);
  }
};

/// Items spread evenly over the receivers (shuffle).
struct RoundRobinRouter {
  std::size_t next = 0;
  static constexpr bool broadcast = false;
  void bind(const ReplicaInfo& info) { next = info.index; }  // replicas start apart
  template <class T>
  std::size_t route(const T&, std::size_t n) {
    std::size_t d = next;
    next = next + 1 == n ? 0 : next + 1;
    return d < n ? d : d % n;
  }
};

/// Replica i sends to replica i (modulo the receivers): keeps data on its core.
struct ForwardRouter {
  std::size_t self = 0;
  static constexpr bool broadcast = false;
  void bind(const ReplicaInfo& info) { self = info.index; }
  template <class T>
  std::size_t route(const T&, std::size_t n) const {
    return self % n;
  }
};

/// Every receiver replica gets every item.
struct BroadcastRouter {
  static constexpr bool broadcast = true;
  void bind(const ReplicaInfo&) {}
};

}  // namespace renoir::core
