// The state of the open windows of one replica, per kind of window: which windows an item goes
// to, when they close, and what they emit. The window operator (operators/window.hpp) drives them.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <queue>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include <renoir/api/operators/keyed_fold.hpp>
#include <renoir/api/windows/aggregators.hpp>
#include <renoir/api/windows/descriptions.hpp>
#include <renoir/core/event_time.hpp>

namespace renoir::windows {

/// The key of window_all: one window set for the whole stream.
struct All {
  friend bool operator==(All, All) { return true; }
  friend std::size_t hash_value(All) { return 0; }
};

/// Rounds down to a multiple of `m` (> 0), also for negative `t`.
inline Timestamp floor_to(Timestamp t, Timestamp m) {
  const Timestamp q = t / m;
  return (t % m != 0 && t < 0 ? q - 1 : q) * m;
}

/// An accumulator and the latest timestamp of its items (the stamp of count, transaction and
/// processing-time results on timestamped streams).
template <class Acc>
struct Slot {
  Acc acc;
  Timestamp latest = core::no_watermark;
};

/// Aligned tumbling/sliding windows over a time axis (event time, or the clock for processing
/// time): windows by start, each with its keys' accumulators, so closing a window touches only
/// its own keys and frees them.
template <class K, class V, class Agg>
struct TimeWindows {
  using Out = typename Agg::Out;
  Agg agg;
  Timestamp size, slide;
  std::map<Timestamp, ops::KeyMap<K, typename Agg::Acc>> open{};  // by window start

  template <class Emit>
  void push(const K& k, const V& v, Timestamp t, Position pos, Emit&&) {
    // The windows [s, s + size) with s a multiple of slide and t in them: s in (t - size, t].
    const Timestamp last = floor_to(t, slide);
    auto it = open.end();
    for (Timestamp s = floor_to(t - size, slide) + slide; s <= last; s += slide) {
      it = open.try_emplace(it, s);
      auto& accs = it->second;
      auto a = accs.find(k);
      if (a == accs.end()) a = accs.emplace(k, agg.init()).first;
      agg.add(a->second, v, pos);
      ++it;
    }
  }
  /// Closes the windows that end at or before `t`, in order of their end.
  template <class Emit>
  void advance(Timestamp t, Emit&& emit) {
    while (!open.empty() && open.begin()->first + size <= t) close(open.begin(), emit);
  }
  template <class Emit>
  void end(Emit&& emit) {
    while (!open.empty()) close(open.begin(), emit);
  }
  bool empty() const { return open.empty(); }

 private:
  template <class It, class Emit>
  void close(It it, Emit& emit) {
    const Timestamp stamp = it->first + size - 1;
    for (auto& [k, acc] : it->second) emit(k, agg.out(std::move(acc)), stamp);
    open.erase(it);
  }
};

/// The same windows as TimeWindows for aggregators that merge (all but fold and reduce): each
/// item goes into one pane (gcd(size, slide) long) instead of size/slide windows, and a window
/// merges its panes' accumulators when it closes. Panes no later window needs are freed.
template <class K, class V, class Agg>
struct PaneWindows {
  using Out = typename Agg::Out;
  using Acc = typename Agg::Acc;
  Agg agg;
  Timestamp size, slide;
  Timestamp pane = std::gcd(size, slide);
  using Panes = std::map<Timestamp, ops::KeyMap<K, Acc>>;
  Panes panes{};  // by pane start
  Timestamp next_start = std::numeric_limits<Timestamp>::min();  // the first window not emitted
  typename Panes::iterator last{};  // the pane of the latest item (most items share it), if valid
  bool last_valid = false;
  ops::KeyMap<K, Acc> spare{};  // a freed pane's table, emptied: the next pane reuses its buckets

  template <class Emit>
  void push(const K& k, const V& v, Timestamp t, Position pos, Emit&&) {
    const Timestamp start = floor_to(t, pane);
    if (!last_valid || last->first != start) {
      bool fresh;
      std::tie(last, fresh) = panes.try_emplace(start);
      if (fresh) std::swap(last->second, spare);
      last_valid = true;
    }
    auto& accs = last->second;
    auto a = accs.find(k);
    if (a == accs.end()) a = accs.emplace(k, agg.init()).first;
    agg.add(a->second, v, pos);
  }
  /// Emits the windows that end at or before `t`, in order of their end.
  template <class Emit>
  void advance(Timestamp t, Emit&& emit) {
    while (!panes.empty()) {
      const Timestamp s = first_window();
      if (s + size > t) break;  // still open
      emit_window(s, emit);
    }
  }
  template <class Emit>
  void end(Emit&& emit) {
    while (!panes.empty()) emit_window(first_window(), emit);
  }
  bool empty() const { return panes.empty(); }

 private:
  /// The start of the first window not yet emitted that can hold the earliest pane p: the
  /// smallest multiple of slide s >= p + pane - size (and >= next_start).
  Timestamp first_window() const {
    const Timestamp p = panes.begin()->first;
    return std::max(next_start, -floor_to(-(p + pane - size), slide));
  }
  template <class Emit>
  void emit_window(Timestamp s, Emit& emit) {
    const Timestamp stamp = s + size - 1;
    const auto first = panes.lower_bound(s);
    std::size_t largest = 0, count = 0;
    for (auto it = first; it != panes.end() && it->first - s < size; ++it, ++count)
      largest = std::max(largest, it->second.size());
    if (count == 1 && first->first < s + slide) {  // one pane read for the last time (tumbling): no merge
      for (auto& [k, acc] : first->second) emit(k, agg.out(std::move(acc)), stamp);
      return free_before(s + slide);
    }
    ops::KeyMap<K, Acc> merged;
    merged.reserve(largest);
    // A pane that starts before the next window is read for the last time: moved, not copied
    // (merging into a fresh accumulator gives the part itself for every merging aggregator).
    for (auto it = first; it != panes.end() && it->first - s < size; ++it) {
      const bool last_use = it->first < s + slide;
      for (auto& [k, acc] : it->second) {
        auto m = merged.find(k);
        if (m == merged.end())
          merged.emplace(k, last_use ? std::move(acc) : acc);
        else if (last_use)
          agg.merge(m->second, std::move(acc));
        else
          agg.merge(m->second, std::as_const(acc));
      }
    }
    for (auto& [k, acc] : merged) emit(k, agg.out(std::move(acc)), stamp);
    free_before(s + slide);
  }
  /// Frees the panes before `start`, the first window still to emit: no later window holds them.
  void free_before(Timestamp start) {
    next_start = start;
    while (!panes.empty() && panes.begin()->first < next_start) {
      if (last_valid && last == panes.begin()) last_valid = false;
      spare = std::move(panes.begin()->second);
      spare.clear();
      panes.erase(panes.begin());
    }
  }
};

/// The manager of aligned time windows: panes when the aggregator merges.
template <class K, class V, class Agg>
auto time_windows(Agg agg, Timestamp size, Timestamp slide) {
  if constexpr (requires(Agg& a, typename Agg::Acc& x, const typename Agg::Acc& y) { a.merge(x, y); })
    return PaneWindows<K, V, Agg>{std::move(agg), size, slide};
  else
    return TimeWindows<K, V, Agg>{std::move(agg), size, slide};
}

/// Count windows per key, in arrival order.
template <class K, class V, class Agg>
struct CountWindows {
  using Out = typename Agg::Out;
  struct Open {
    std::uint64_t start;
    Slot<typename Agg::Acc> slot;
  };
  struct PerKey {
    std::uint64_t n = 0;        // items of the key so far
    std::uint64_t covered = 0;  // items 0 .. covered-1 are in an emitted window
    std::vector<Open> open;     // by start; at most ceil(size / slide)
  };
  Agg agg;
  std::uint64_t size, slide;
  ops::KeyMap<K, PerKey> keys{};

  template <class Emit>
  void push(const K& k, const V& v, Timestamp t, Position pos, Emit&& emit) {
    auto it = keys.find(k);
    if (it == keys.end()) it = keys.emplace(k, PerKey{}).first;
    PerKey& st = it->second;
    const std::uint64_t i = st.n++;
    if (i % slide == 0) st.open.push_back({i, {agg.init(), core::no_watermark}});
    for (Open& o : st.open) {
      agg.add(o.slot.acc, v, pos);
      o.slot.latest = std::max(o.slot.latest, t);
    }
    if (!st.open.empty() && st.open.front().start + size - 1 == i) {
      emit(it->first, agg.out(std::move(st.open.front().slot.acc)), st.open.front().slot.latest);
      st.covered = i + 1;
      st.open.erase(st.open.begin());
    }
  }
  template <class Emit>
  void advance(Timestamp, Emit&&) {}
  /// The oldest open window, if it holds an item no emitted window held.
  template <class Emit>
  void end(Emit&& emit) {
    for (auto& [k, st] : keys)
      if (!st.open.empty() && st.n > st.covered)
        emit(k, agg.out(std::move(st.open.front().slot.acc)), st.open.front().slot.latest);
    keys.clear();
  }
  bool empty() const { return keys.empty(); }
};

/// Session windows per key. On event time, items wait (per key) until the watermark passes
/// them and are then put in sessions in timestamp order, so out-of-order items land in the
/// right session; on processing time they arrive in time order and go in directly.
template <class K, class V, class Agg>
struct SessionWindows {
  using Out = typename Agg::Out;
  struct PerKey {
    std::vector<std::pair<Timestamp, V>> pending;  // event time: not yet behind the watermark
    bool open = false;
    Timestamp last = 0;
    typename Agg::Acc acc;
  };
  Agg agg;
  Timestamp gap;
  bool event_time;
  ops::KeyMap<K, PerKey> keys{};

  template <class Emit>
  void push(const K& k, const V& v, Timestamp t, Position, Emit&& emit) {
    auto it = keys.find(k);
    if (it == keys.end()) it = keys.emplace(k, PerKey{{}, false, 0, agg.init()}).first;
    if (event_time) it->second.pending.emplace_back(t, v);
    else feed(it->first, it->second, t, v, emit);
  }
  /// Seals the items before `t` and closes the sessions whose gap ended by `t`.
  template <class Emit>
  void advance(Timestamp t, Emit&& emit) {
    boost::unordered::erase_if(keys, [&](auto& kv) {
      PerKey& st = kv.second;
      seal(kv.first, st, t, emit);
      if (st.open && st.last + gap <= t) close(kv.first, st, emit);
      return !st.open && st.pending.empty();
    });
  }
  template <class Emit>
  void end(Emit&& emit) {
    for (auto& [k, st] : keys) {
      seal(k, st, core::final_watermark, emit);
      if (st.open) close(k, st, emit);
    }
    keys.clear();
  }
  bool empty() const { return keys.empty(); }

 private:
  template <class Emit>
  void seal(const K& k, PerKey& st, Timestamp t, Emit& emit) {
    if (st.pending.empty()) return;
    std::stable_sort(st.pending.begin(), st.pending.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::size_t n = 0;
    while (n < st.pending.size() && st.pending[n].first < t) {
      feed(k, st, st.pending[n].first, st.pending[n].second, emit);
      ++n;
    }
    st.pending.erase(st.pending.begin(), st.pending.begin() + static_cast<std::ptrdiff_t>(n));
  }
  template <class Emit>
  void feed(const K& k, PerKey& st, Timestamp t, const V& v, Emit& emit) {
    if (st.open && t >= st.last + gap) close(k, st, emit);
    if (!st.open) {
      st.open = true;
      st.acc = agg.init();
      st.last = t;
    }
    agg.add(st.acc, v, t);
    st.last = std::max(st.last, t);
  }
  template <class Emit>
  void close(const K& k, PerKey& st, Emit& emit) {
    emit(k, agg.out(std::move(st.acc)), st.last + gap - 1);
    st.open = false;
    st.acc = agg.init();
  }
};

/// Transaction windows: one per key, closed by the user's logic. The pending commit_after times
/// are also in a min-heap, so a watermark costs O(windows it closes x log), not a scan of every
/// open window; an entry whose window has since committed, changed its time or reopened is
/// skipped when it comes up (lazy deletion).
template <class K, class V, class Agg, class F>
struct TransactionWindows {
  using Out = typename Agg::Out;
  struct PerKey {
    Slot<typename Agg::Acc> slot;
    std::optional<Timestamp> after;
  };
  using Due = std::pair<Timestamp, K>;
  struct Later {  // by time only: keys need not be ordered
    bool operator()(const Due& a, const Due& b) const { return a.first > b.first; }
  };
  Agg agg;
  F logic;
  ops::KeyMap<K, PerKey> keys{};
  std::priority_queue<Due, std::vector<Due>, Later> due{};

  template <class Emit>
  void push(const K& k, const V& v, Timestamp t, Position pos, Emit&& emit) {
    auto it = keys.find(k);
    if (it == keys.end()) it = keys.emplace(k, PerKey{{agg.init(), core::no_watermark}, std::nullopt}).first;
    const TransactionOp op = logic(v);
    PerKey& st = it->second;
    agg.add(st.slot.acc, v, pos);
    st.slot.latest = std::max(st.slot.latest, t);
    switch (op.kind) {
      case TransactionOp::Kind::commit:
        emit(it->first, agg.out(std::move(st.slot.acc)), st.slot.latest);
        keys.erase(it);
        break;
      case TransactionOp::Kind::commit_after:
        if (!st.after || op.after < *st.after) {  // the earliest time asked for wins
          st.after = op.after;
          due.emplace(op.after, k);
        }
        break;
      case TransactionOp::Kind::discard:
        keys.erase(it);
        break;
      case TransactionOp::Kind::continue_:
        break;
    }
  }
  template <class Emit>
  void advance(Timestamp t, Emit&& emit) {
    while (!due.empty() && due.top().first < t) {
      const Due d = due.top();
      due.pop();
      auto it = keys.find(d.second);
      if (it == keys.end() || it->second.after != d.first) continue;  // stale entry
      emit(it->first, agg.out(std::move(it->second.slot.acc)), it->second.slot.latest);
      keys.erase(it);
    }
  }
  template <class Emit>
  void end(Emit&& emit) {
    for (auto& [k, st] : keys)
      if (st.after) emit(k, agg.out(std::move(st.slot.acc)), st.slot.latest);
    keys.clear();
    due = {};
  }
  bool empty() const { return keys.empty(); }
};

}  // namespace renoir::windows
