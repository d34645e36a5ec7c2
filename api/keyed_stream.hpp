// KeyedStream<K, V>: a stream of (key, value) pairs partitioned by key.
#pragma once
#include <cstddef>
#include <utility>
#include <vector>

#include <renoir/api/output.hpp>
#include <renoir/core/block.hpp>
#include <renoir/core/message.hpp>

namespace renoir {

using core::Timestamp;

template <class T, class Source, class Ops>
class Stream;

/// Items are `std::pair<K, V>`; every replica holds all the pairs of the keys it owns. Keyed
/// callables take either `(const K& key, V value)` or the pair.
template <class K, class V, class Source, class Ops>
class KeyedStream {
 public:
  using key_type = K;
  using mapped_type = V;
  using value_type = std::pair<K, V>;
  using Inner = Stream<std::pair<K, V>, Source, Ops>;

  explicit KeyedStream(Inner inner) : inner_(std::move(inner)) {}

  /// `f(key, value) -> U`: a KeyedStream<K, U> with the same keys.
  template <class F> auto map(F f) const;
  /// Keeps the pairs for which `f(key, const value&)` holds.
  template <class F> auto filter(F f) const;
  /// `f(key, value) -> std::optional<U>`; keeps the values.
  template <class F> auto filter_map(F f) const;
  /// `f(key, value) -> range of U`: one pair (key, u) per element.
  template <class F> auto flat_map(F f) const;
  /// Per-key fold: `f(Acc&, V)` or `f(Acc, V) -> Acc`; emits (key, acc) at the end.
  template <class Acc, class F> auto fold(Acc init, F f) const;
  /// Per-key reduce: `f(V&, V)` or `f(V, V) -> V`.
  template <class F> auto reduce(F f) const;
  /// `map` with per-key state: every key gets its own copy of `f`.
  template <class F> auto rich_map(F f) const;
  // ---- Renoir spellings (operators/flat_map, inspect, filter_map, merge, shuffle, unique_assoc) ----
  /// Emits (key, e) for every element e of each value (V must be a range).
  auto flatten() const;
  /// Calls `f(key, const value&)` (or `f(const pair&)`) on each pair and passes it on unchanged.
  template <class F> auto inspect(F f) const;
  /// `filter_map` with per-key state: every key gets its own copy of `f`, as in rich_map.
  template <class F> auto rich_filter_map(F f) const;
  /// `flat_map` with per-key state: every key gets its own copy of `f`, as in rich_map.
  template <class F> auto rich_flat_map(F f) const;
  /// The union of this keyed stream and `other` (same K and V), still partitioned by key.
  template <class S2, class O2> auto merge(const KeyedStream<K, V, S2, O2>& other) const;
  /// Inner join on the key with another keyed stream: a KeyedStream of (key, (value, other value)).
  template <class V2, class S2, class O2> auto join(const KeyedStream<K, V2, S2, O2>& other) const;
  /// Left join on the key: (key, (value, std::optional<other value>)).
  template <class V2, class S2, class O2> auto left_join(const KeyedStream<K, V2, S2, O2>& other) const;
  /// Full outer join on the key: (key, (std::optional<value>, std::optional<other value>)).
  template <class V2, class S2, class O2> auto outer_join(const KeyedStream<K, V2, S2, O2>& other) const;
  /// Spreads the pairs evenly over the replicas of a new block. As in Renoir the result is a
  /// plain Stream of pairs: after the shuffle a key's pairs are on several replicas.
  auto shuffle() const;
  /// Keeps one pair per key (the first one to reach the key's replica; which pair that is
  /// depends on timing when several replicas held the key), dropping the rest.
  auto unique_assoc_by_key() const;

  /// Windows per key: `window(d).count()` is a KeyedStream of (key, count), one pair per key
  /// and window (see windows/descriptions.hpp for the kinds of window, operators/window.hpp for
  /// what a window can compute).
  template <class Descr> auto window(Descr descr) const;
  /// Pairs (key, (v, w)) of this stream's and `other`'s items with equal keys whose timestamps
  /// satisfy w.ts in [v.ts - lower, v.ts + upper] (both streams timestamped); each pair once,
  /// stamped with the later timestamp. Items are held until the watermarks rule out a partner.
  template <class V2, class S2, class O2>
  auto interval_join(const KeyedStream<K, V2, S2, O2>& other, Timestamp lower, Timestamp upper) const;
  /// Pairs (key, (v, w)) of this stream's and `other`'s items with equal keys in the same window
  /// of `descr` (any window kind; a pair once per window that holds both).
  template <class V2, class S2, class O2, class Descr>
  auto window_join(const KeyedStream<K, V2, S2, O2>& other, Descr descr) const;

  /// The pairs as a plain stream.
  Inner unkey() const { return inner_; }
  /// The values as a plain stream.
  auto drop_key() const;

  StreamOutput<std::vector<std::pair<K, V>>> collect_vec() const { return inner_.collect_vec(); }
  StreamOutput<std::vector<std::pair<K, V>>> collect_all() const { return inner_.collect_all(); }
  template <class Container> StreamOutput<Container> collect() const { return inner_.template collect<Container>(); }
  StreamOutput<std::size_t> collect_count() const { return inner_.collect_count(); }
  template <class F> void for_each(F f) const { inner_.for_each(std::move(f)); }
  KeyedStream batch_mode(core::BatchMode mode) const { return KeyedStream(inner_.batch_mode(mode)); }

 private:
  Inner inner_;
};

namespace detail {
/// Wraps a stream of pairs as a KeyedStream (the caller guarantees the partitioning).
template <class K, class V, class S, class O>
KeyedStream<K, V, S, O> keyed(Stream<std::pair<K, V>, S, O> s) {
  return KeyedStream<K, V, S, O>(std::move(s));
}
}  // namespace detail

}  // namespace renoir
