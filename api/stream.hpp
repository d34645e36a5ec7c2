// Stream<T>: the fluent API. Declares every verb; each verb is defined in operators/ or sinks/.
#pragma once
#include <array>
#include <cstddef>
#include <memory>
#include <source_location>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <renoir/api/job.hpp>
#include <renoir/api/output.hpp>
#include <renoir/api/traits.hpp>
#include <renoir/core/batch_mode.hpp>
#include <renoir/core/block.hpp>
#include <renoir/core/emitter.hpp>
#include <renoir/core/event_time.hpp>
#include <renoir/core/receiver.hpp>
#include <renoir/core/replication.hpp>

namespace renoir {

using core::BatchMode;
using core::Timestamp;
using core::Replication;

template <class K, class V, class Source, class Ops>
class KeyedStream;
template <class T>
class ChannelReceiver;

/// A stream of items of type `T`. `Source` and `Ops` describe the block being built (its
/// input and its fused chain of operators so far); write `auto` and let them be deduced.
/// Verbs that keep data on its replica (map, filter, ...) extend the current block; verbs that
/// move data between replicas (group_by, shuffle, fold, ...) close it and start a new one.
/// A stream is consumed once: to feed several operators, `split` it.
template <class T, class Source, class Ops = core::Identity>
class Stream {
 public:
  using value_type = T;
  using source_type = Source;

  Stream(std::shared_ptr<detail::Job> job, Source source, Ops ops, core::BlockOptions options)
      : job_(std::move(job)), source_(std::move(source)), ops_(std::move(ops)), options_(std::move(options)) {}

  // ---- element-wise (same block) ----
  /// Applies `f(T) -> U` to each item.
  template <class F> auto map(F f) const;
  /// `map` with a mutable callable: every replica owns its own copy (per-replica state).
  template <class F> auto rich_map(F f) const;
  /// Keeps the items for which `f(const T&)` is true.
  template <class F> auto filter(F f) const;
  /// Applies `f(T) -> std::optional<U>` and keeps the values.
  template <class F> auto filter_map(F f) const;
  /// `filter_map` with per-replica state.
  template <class F> auto rich_filter_map(F f) const;
  /// Applies `f(T) -> range of U` and emits every element of the range.
  template <class F> auto flat_map(F f) const;
  /// `flat_map` with per-replica state.
  template <class F> auto rich_flat_map(F f) const;
  /// Emits the elements of each item (T must be a range).
  auto flatten() const;
  /// Calls `f(const T&)` on each item and passes it on unchanged.
  template <class F> auto inspect(F f) const;

  // ---- partitioning (new block) ----
  /// Sends items with equal `key(item)` to the same replica; a KeyedStream of (key, item).
  template <class KeyFn> auto group_by(KeyFn key) const;
  /// Pairs every item with `key(item)` without moving it: a KeyedStream of (key, item).
  template <class KeyFn> auto key_by(KeyFn key) const;
  /// Spreads items evenly over the replicas of a new block.
  auto shuffle() const;
  /// Sends every item to every replica of a new block.
  auto broadcast() const;
  /// Moves items by `key(item)` into a new block of the given replication.
  template <class KeyFn> auto repartition_by(Replication replication, KeyFn key) const;
  /// Continues in a new block with the given parallelism.
  auto replication(Replication replication) const;
  /// Renoir's spelling of `replication(Replication::limited(n))`: a new block of at most `n`
  /// replicas (n >= 1, else std::invalid_argument).
  auto max_parallelism(std::size_t n) const;
  /// `n` streams, each receiving every item.
  auto split(std::size_t n) const;
  /// The union of this stream and `other`, in a new block of unlimited replication: every item
  /// of both once, whatever the parallelism of either side (one, limited(k), host, unlimited;
  /// Renoir requires equal parallelism instead). No order between or within the sides beyond
  /// each sending replica's own order.
  template <class S2, class O2> auto merge(const Stream<T, S2, O2>& other) const;
  /// Pairs of (item of this stream, item of `other`) in one replica, as Renoir's zip: exactly
  /// min(|this|, |other|) pairs, whatever the parallelism of either side; the surplus of the
  /// longer side is dropped. When both sides come from one replica each (stream_iter, fold,
  /// sorted, ...), the i-th item is paired with the i-th; with several replicas on a side, which
  /// of its items meet which is the arrival order, not fixed. The next verb runs in one replica
  /// until a verb that moves data (shuffle, group_by, ...) spreads it again.
  template <class U, class S2, class O2> auto zip(const Stream<U, S2, O2>& other) const;
  /// Builder: `route().add_route(pred)...build()` gives one stream per route; each item goes to
  /// the first route whose predicate holds (items matching none are dropped).
  auto route() const;
  /// Inner equi-join with `other` on key1(item) == key2(other item): a KeyedStream of
  /// (key, (item, other item)), both sides shipped by key hash, matched with a hash table.
  template <class U, class S2, class O2, class K1, class K2>
  auto join(const Stream<U, S2, O2>& other, K1 key1, K2 key2) const;
  /// Left join: also each item without a match, as (key, (item, std::nullopt)).
  template <class U, class S2, class O2, class K1, class K2>
  auto left_join(const Stream<U, S2, O2>& other, K1 key1, K2 key2) const;
  /// Full outer join: (key, (std::optional<T>, std::optional<U>)), unmatched items of both sides too.
  template <class U, class S2, class O2, class K1, class K2>
  auto outer_join(const Stream<U, S2, O2>& other, K1 key1, K2 key2) const;
  /// Join builder: `.ship_hash()` / `.ship_broadcast_right()`, `.local_hash()` /
  /// `.local_sort_merge()`, then `.inner()` / `.left()` / `.outer()`.
  template <class U, class S2, class O2, class K1, class K2>
  auto join_with(const Stream<U, S2, O2>& other, K1 key1, K2 key2) const;

  // ---- iterations (the loop's first block holds the state; see IterationState) ----
  /// Renoir's replay: every round pushes this stream's items again through `body(stream,
  /// state)` (or `body(stream)`), whose output is folded per replica with `local_fold(Delta&,
  /// U)` (or `(Delta&, U, const State&)`, Delta from Delta{} every round); the leader then
  /// folds the partial results into the state with `global_fold(State&, Delta)`, in replica
  /// order, and evaluates `loop_condition(State&) -> bool`. At most `iterations` rounds, fewer
  /// if the condition turns false; then a stream of one item, the final state (the initial one
  /// for zero rounds). Delta is deduced from local_fold's first parameter, or given:
  /// `replay<Delta>(...)`. Nested in another loop's body, it runs once per outer round.
  template <class Delta = void, class State, class Body, class L, class G, class C>
  auto replay(std::size_t iterations, State initial_state, Body body, L local_fold, G global_fold,
              C loop_condition) const;
  /// `replay` whose body is the identity: the local fold sees the items themselves (and the
  /// state, if it takes a third parameter), e.g. k-means' assignment of points to centroids.
  template <class Delta = void, class State, class L, class G, class C>
  auto replay(std::size_t iterations, State initial_state, L local_fold, G global_fold, C loop_condition) const;
  /// Renoir's iterate: this stream enters the loop once; every round's output of `body` goes
  /// around again as the next round's input (items of type T), and is folded as in replay
  /// (`local_fold(Delta&, const T&)`, in the body's last block). Returns (state stream, output
  /// stream): the final state and the last round's output (the input itself for zero rounds).
  template <class Delta = void, class State, class Body, class L, class G, class C>
  auto iterate(std::size_t iterations, State initial_state, Body body, L local_fold, G global_fold,
               C loop_condition) const;
  /// Delta iteration (Flink's): this stream is a solution set, one item per `key(item)` (later
  /// items with the same key are folded in with `update`). Round 0 sends every item through
  /// `body`; its output (candidates) goes to the owner of each candidate's key, where
  /// `update(T& current, T candidate) -> bool` says whether the item changed (a new key is
  /// taken as is). Only new and changed items make the next round. Ends when a round gives no
  /// candidate, or after `iterations` rounds; returns the solution set.
  template <class KeyFn, class Update, class Body>
  auto iterate_delta(std::size_t iterations, KeyFn key, Update update, Body body) const;

  // ---- event time (see core/event_time.hpp) ----
  /// Gives every item the event time `ts(const T&) -> Timestamp`; after each item,
  /// `watermark(const T&, Timestamp) -> std::optional<Timestamp>` may promise that no item with
  /// a smaller timestamp follows from this replica (e.g. BoundedOutOfOrder{delay, every}).
  /// Watermarks flow through every operator and exchange (the minimum over the senders), and
  /// close event-time windows. Both callables are copied per replica (they may hold state).
  template <class TsFn, class WmFn> auto add_timestamps(TsFn ts, WmFn watermark) const;
  /// Drops the event time: the next blocks carry no timestamps and no watermarks.
  auto drop_timestamps() const;
  /// On a timestamped stream, holds each replica's items until the watermark passes them and
  /// emits them in timestamp order (ties in arrival order); late items are counted and dropped.
  auto reorder() const;
  /// Windows over the whole stream, in one replica: `window_all(d).count()` is a Stream of
  /// results, one per window (see windows/descriptions.hpp for the kinds of window).
  template <class Descr> auto window_all(Descr descr) const;

  // ---- aggregation ----
  /// Folds every item, in one replica, with `f(Acc&, T)` (or `f(Acc, T) -> Acc`), and emits the
  /// result at the end. As in Renoir, the first item starts the accumulator from a copy of
  /// `init`: `init` is folded in exactly once, and an empty stream emits no item at all
  /// (collect_vec gives an empty vector).
  template <class Acc, class F> auto fold(Acc init, F f) const;
  /// Reduces every item, in one replica, with `f(T&, T)` (or `f(T, T) -> T`).
  template <class F> auto reduce(F f) const;
  /// Folds per replica with `local(Acc&, T)`, then combines the partial results in one replica
  /// with `global(Acc&, Acc)` (or the by-value forms). As in Renoir both are folds that start
  /// from a copy of `init` at their first item, so a replica that saw no item sends nothing and
  /// an empty stream emits no item. `init` is thus folded in once per replica that saw an item,
  /// plus once by `global`: the result does not depend on the parallelism exactly when `init`
  /// is neutral for `global` (`global(init, a) == a`, as with Spark's aggregate). E.g.
  /// fold_assoc(10, +, +) over {1, 2, 3} spread on k non-empty replicas gives 10 + 6 + 10k.
  template <class Acc, class L, class G> auto fold_assoc(Acc init, L local, G global) const;
  /// Reduces per replica, then combines the partial results with the same function.
  template <class F> auto reduce_assoc(F f) const;
  /// Per-key fold: `local` per replica, shuffle by key, `global` combines partial results.
  /// As in Renoir, a key's accumulator starts from `init` at its first item, in each replica
  /// that saw the key and again in the global step: `init` should be neutral for `global` for
  /// the result not to depend on the parallelism. Keys with no item do not appear.
  /// A key returned as std::string_view (a view into the item) is kept as std::string.
  template <class KeyFn, class Acc, class L, class G>
  auto group_by_fold(KeyFn key, Acc init, L local, G global) const;
  /// Per-key reduce with pre-aggregation.
  template <class KeyFn, class F> auto group_by_reduce(KeyFn key, F f) const;
  /// Per-key sum of `value(item)`.
  template <class KeyFn, class ValueFn> auto group_by_sum(KeyFn key, ValueFn value) const;
  /// Per-key count of items (std::size_t).
  template <class KeyFn> auto group_by_count(KeyFn key) const;
  /// Per-key average of `value(item)` (double).
  template <class KeyFn, class ValueFn> auto group_by_avg(KeyFn key, ValueFn value) const;
  /// Per key, the item with the smallest `value(item)`.
  template <class KeyFn, class ValueFn> auto group_by_min_element(KeyFn key, ValueFn value) const;
  /// Per key, the item with the largest `value(item)`.
  template <class KeyFn, class ValueFn> auto group_by_max_element(KeyFn key, ValueFn value) const;
  /// Drops duplicate items (T hashable and equality-comparable).
  auto unique_assoc() const;
  /// All items, in one replica, sorted by `cmp`: a less-than `cmp(a, b) -> bool`, or a
  /// three-way `cmp(a, b) -> std::strong_ordering / std::weak_ordering` (Rust's `cmp`, e.g.
  /// `a <=> b`). Stable: equal items keep their arrival order.
  template <class Cmp> auto sorted_by(Cmp cmp) const;
  /// All items, in one replica, sorted by `operator<`.
  auto sorted() const;
  /// At most `n` items (any `n`, not the first `n` in any order unless upstream is ordered).
  auto limit(std::size_t n) const;

  // ---- Renoir spellings: map_memo, map_memo_by, unique_assoc_by_key ----
  /// `map` that remembers `f`'s results: an item seen recently on this replica gets the stored
  /// result without calling `f` (T hashable and equality-comparable, U copyable). Each replica
  /// keeps at most `capacity` results (>= 1, else std::invalid_argument), evicting the least
  /// recently used half (approximately) when full. `f` must be a pure function of the item.
  template <class F> auto map_memo(F f, std::size_t capacity) const;
  /// `map_memo` keyed by `key(const T&)`: items with equal keys share one call of `f`, so
  /// `f(item)` must depend only on `key(item)`.
  template <class F, class KeyFn> auto map_memo_by(F f, KeyFn key, std::size_t capacity) const;
  /// One item per distinct `key(item)` (the first to reach the key's replica), in a new block.
  template <class KeyFn> auto unique_assoc_by_key(KeyFn key) const;
  // ---- Renoir spellings: limit with offset, sorted limits, more sinks ----
  /// Skips `offset` items, then keeps at most `n`, over the whole stream: unlike Renoir, whose
  /// limit cuts each replica of the block, this one is global (each replica keeps its first
  /// offset + n, then one replica cuts). Which items are skipped and kept follows arrival order,
  /// so it is "the first ones" only when the upstream is ordered (a single replica).
  auto limit(std::size_t n, std::size_t offset) const;
  /// The items ranked offset .. offset+n-1 by `cmp` (as in sorted_by), in that order, in one
  /// replica: Renoir's sorted_limit_by, global here. Each replica first keeps its offset + n best.
  template <class Cmp> auto sorted_limit_by(Cmp cmp, std::size_t n, std::size_t offset = 0) const;
  /// sorted_limit_by with `operator<`.
  auto sorted_limit(std::size_t n, std::size_t offset = 0) const;
  /// Every item in a std::vector on every host (Renoir's collect_vec_all; same as collect_all()).
  StreamOutput<std::vector<T>> collect_vec_all() const;
  /// Every item in a `Container` (push_back or insert) on every host; `collect_all()` is a vector.
  template <class Container = std::vector<T>> StreamOutput<Container> collect_all() const;
  /// The items as they reach host 0, through a channel the caller reads while the job runs
  /// (see ChannelReceiver): run execute_blocking() on another thread and iterate the channel.
  ChannelReceiver<T> collect_channel() const;
  /// Writes CSV rows into one file per replica of the current block, replica i (0 .. replicas-1,
  /// across hosts) to `path_of_replica(i)`, truncated first unless `append` (Renoir's
  /// write_csv). Every replica creates its file, even if it gets no item.
  template <class PathOf>
    requires std::is_invocable_r_v<std::string, PathOf&, std::size_t>
  void write_csv(PathOf path_of_replica, bool append) const;
  /// Writes every item as a CSV row into one file, on host 0 (Renoir's write_csv_one); with
  /// `append`, after what the file holds.
  void write_csv_one(std::string path, bool append = false) const;

  // ---- sinks ----
  /// Gathers every item into a std::vector (on host 0).
  StreamOutput<std::vector<T>> collect_vec() const;
  /// Gathers every item into a `Container` (push_back or insert).
  template <class Container> StreamOutput<Container> collect() const;
  /// Counts the items (0 for an empty stream).
  StreamOutput<std::size_t> collect_count() const;
  /// Calls `f(T)` on every item, on the replica that holds it.
  template <class F> void for_each(F f) const;
  /// Writes the items as CSV rows into one file (see csv.hpp for the types it knows);
  /// write_csv_one(path, false).
  void write_csv(std::string path) const;

  /// Sets how the current block batches its output.
  Stream batch_mode(BatchMode mode) const {
    auto options = options_;
    options.batch_mode = mode;
    Stream s(job_, source_, ops_, std::move(options));
    s.consumed_ = consumed_;  // the same stream, differently configured: consumed together
    return s;
  }

  /// This stream with its items marked as carrying event time, or not (add_timestamps and
  /// drop_timestamps set it; operators that emit timestamps of their own may too).
  Stream with_timestamps(bool timestamped) const {
    auto options = options_;
    options.timestamped = timestamped;
    Stream s(job_, source_, ops_, std::move(options));
    s.consumed_ = consumed_;
    return s;
  }

  // ---- building blocks for operator definitions ----
  /// This block followed by the operator that `make(next)` creates; the stream then carries U.
  /// `where` names the verb in the block's name (BlockOptions::name, for error messages).
  template <class U, class Make>
  Stream<U, Source, core::Chain<Ops, Make>> then(Make make, std::source_location where = std::source_location::current()) const {
    job_->check_open();
    consume();
    return {job_, source_, core::Chain<Ops, Make>{ops_, std::move(make)}, options_.named(core::verb_name(where))};
  }
  /// Closes this block with an emitter using `router`; continues in a new block.
  template <class Router>
  Stream<T, core::ReceiverSource<T>, core::Identity> exchange(
      Router router, Replication next, std::source_location where = std::source_location::current()) const {
    static_assert(!detail::is_view<T>::value,
                  "renoir: items that leave a block must own their data: turn string_view/span items into "
                  "std::string/std::vector before group_by, shuffle, collect and other exchanges");
    auto* gate = job_->graph.template make_gate<T>();
    feed(gate, std::move(router), where);
    core::BlockOptions options = options_.next(next).named(core::verb_name(where));
    return {job_, core::ReceiverSource<T>{gate}, core::Identity{}, std::move(options)};
  }
  /// Closes this block with an emitter into `gate` (a new gate, or one shared with other
  /// inputs, as merge's) using `router`: how every verb that moves items opens a gate.
  template <class Router>
  void feed(core::Gate<T>* gate, Router router, std::source_location where = std::source_location::current()) const {
    finish(core::EmitterFactory<T, Router>{gate, 0, std::move(router)}, where);
  }
  /// Continues in a new block of one replica that receives every item.
  auto gather(std::source_location where = std::source_location::current()) const {
    return exchange(core::ForwardRouter{}, Replication::one(), where);
  }
  /// Closes this block with `terminal` (an emitter factory or a sink factory).
  template <class Terminal>
  void finish(Terminal terminal, std::source_location where = std::source_location::current()) const {
    job_->check_open();
    consume();
    job_->graph.add_block(source_, ops_, std::move(terminal), options_.named(core::verb_name(where)));
  }

  /// Before the job runs, gives this stream a sink that drops its items unless a verb used it
  /// (for the outputs of a verb that the caller may ignore, as iterate's state).
  void drop_if_unused() const {
    job_->before_run.push_back([source = source_, ops = ops_, options = options_,
                                consumed = consumed_](const std::shared_ptr<detail::Job>& job) {
      if (!*consumed) Stream(job, source, ops, options).for_each([](auto&&) {});
    });
  }

  const std::shared_ptr<detail::Job>& job() const& { return job_; }
  std::shared_ptr<detail::Job> job() && { return job_; }
  const core::BlockOptions& options() const& { return options_; }
  core::BlockOptions options() && { return options_; }

 private:
  std::shared_ptr<detail::Job> job_;
  Source source_;
  Ops ops_;
  core::BlockOptions options_;
  /// Set by the first verb applied to this stream (shared by its copies): a second verb would
  /// run the block again, reading the source twice. Gate-fed blocks also fail on reuse, in
  /// GateBase::set_receiver; this catches streams that start at a source.
  std::shared_ptr<bool> consumed_ = std::make_shared<bool>(false);

  void consume() const {
    if (*consumed_)
      throw std::logic_error(
          "renoir: a stream was consumed twice; use split(n) to send the same items to several operators");
    *consumed_ = true;
  }
};

}  // namespace renoir

#include <renoir/api/keyed_stream.hpp>  // Stream and KeyedStream refer to each other
// The verbs are defined in api/operators/ and api/sinks/, one header each; <renoir/renoir.hpp>
// includes them all.
