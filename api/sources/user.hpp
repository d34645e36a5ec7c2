// StreamContext::stream(source): what a user's own source type must provide, and its adapter.
#pragma once
#include <concepts>
#include <cstddef>
#include <type_traits>
#include <utility>

#include <renoir/api/traits.hpp>
#include <renoir/core/replica.hpp>
#include <renoir/core/replication.hpp>

namespace renoir::sources {

/// Stands for the operator chain a source pushes into, to check a source's `run` without a job.
template <class T>
struct ChainArchetype {
  void push(T&&);
  void push(const T&);
};

/// What `StreamContext::stream(source)` accepts (Renoir's `Source` trait), a type `S` with:
/// - `using value_type = T;` the type of the items, which owns its data (no string_view/span);
/// - `renoir::Replication replication() const;` how many replicas run the source:
///   `Replication::one()` for a sequential source, `unlimited()` (one per core on every host),
///   `limited(n)` or `host()` (one per host) for a source that splits its input;
/// - `template <class Chain> void run(Chain& chain, const renoir::core::ReplicaContext& rc) const;`
///   called once by every replica, all on the same object and concurrently (keep per-replica
///   state in locals): pushes the replica's items with `chain.push(T)` and returns when done
///   (the stream then ends). `rc.info.index` / `rc.info.replicas` tell which share to produce;
///   a long-running `run` should call `rc.run->throw_if_cancelled()` every few thousand items,
///   so that a failing job stops it. An exception thrown by `run` fails the job with it.
/// S is copied into the job (copyable or movable).
template <class S>
concept UserSource = requires { typename S::value_type; } &&
                     requires(const S& s, ChainArchetype<typename S::value_type>& chain, const core::ReplicaContext& rc) {
                       { s.replication() } -> std::convertible_to<core::Replication>;
                       s.run(chain, rc);
                     };

/// Runs a UserSource in a block: its `run`, then the end of the stream.
template <class S>
struct User {
  S source;
  void attach(std::size_t) const {}

  template <class Chain>
  void run(Chain& chain, const core::ReplicaContext& rc) const {
    source.run(chain, rc);
    chain.end();
  }
};

namespace detail {
/// Fails to compile, naming the missing part, unless S is a UserSource.
template <class S>
constexpr void check_user_source() {
  static_assert(requires { typename S::value_type; },
                "renoir: stream(source): the source type must declare `using value_type = T;`, the type of the "
                "items it produces (see sources::UserSource in api/sources/user.hpp)");
  if constexpr (requires { typename S::value_type; }) {
    using T = typename S::value_type;
    static_assert(!renoir::detail::is_view<T>::value,
                  "renoir: stream(source): value_type must own its data (std::string, std::vector), not view "
                  "it (string_view, span): the items outlive the source's buffers");
    static_assert(requires(const S& s) {
      { s.replication() } -> std::convertible_to<core::Replication>;
    }, "renoir: stream(source): the source type needs `renoir::Replication replication() const` (one() for a "
       "sequential source, unlimited() to run one replica per core; see sources::UserSource)");
    static_assert(requires(const S& s, ChainArchetype<T>& chain, const core::ReplicaContext& rc) { s.run(chain, rc); },
                  "renoir: stream(source): the source type needs `template <class Chain> void run(Chain& chain, "
                  "const renoir::core::ReplicaContext& rc) const` calling chain.push(value_type) for each item "
                  "(see sources::UserSource in api/sources/user.hpp)");
  }
}
}  // namespace detail

}  // namespace renoir::sources
