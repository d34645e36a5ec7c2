// Windows (api/windows/descriptions.hpp, aggregators.hpp, managers.hpp, api/operators/window.hpp)
// against an independent sequential model, at parallelism 1, 2, 4 and on simulated hosts: count,
// event-time (tumbling, sliding, slide > size), session, transaction and processing-time
// windows, every aggregator, keyed and window_all; late items; reorder(); cascaded windows.
//
// Determinism: items come from ctx.stream_iter (one source replica) unless said otherwise, so a
// key's items reach their window replica in source order and the watermarks are interleaved
// with them as the source emitted them: the model replays the source order exactly.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <ostream>
#include <random>
#include <thread>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

using namespace std::chrono_literals;

constexpr Timestamp kNoWm = std::numeric_limits<Timestamp>::min();

/// An item: event time, key, value, and the watermark the source emits after it (kNoWm: none).
struct Ev {
  Timestamp ts = 0;
  int key = 0;
  int value = 0;
  Timestamp wm = kNoWm;
  friend auto operator<=>(const Ev&, const Ev&) = default;
};
std::ostream& operator<<(std::ostream& os, const Ev& e) {
  os << "{ts " << e.ts << ", key " << e.key << ", value " << e.value;
  if (e.wm != kNoWm) os << ", wm " << e.wm;
  return os << "}";
}

/// A window result with the event time it was emitted with.
struct Stamped {
  int key = 0;
  std::size_t result = 0;
  Timestamp stamp = 0;
  friend auto operator<=>(const Stamped&, const Stamped&) = default;
};
std::ostream& operator<<(std::ostream& os, const Stamped& s) {
  return os << "{key " << s.key << ", " << s.result << " @" << s.stamp << "}";
}

auto ts_of = [](const Ev& e) { return e.ts; };
auto key_of = [](const Ev& e) { return e.key; };
auto value_of = [](const Ev& e) { return e.value; };
/// The watermark fn reading the item's wm field.
auto wm_field = [](const Ev& e, Timestamp) -> std::optional<Timestamp> {
  if (e.wm == kNoWm) return std::nullopt;
  return e.wm;
};
auto no_wm = [](const Ev&, Timestamp) -> std::optional<Timestamp> { return std::nullopt; };
/// Keyed (key, Ev) -> (key, value).
auto kv_value = [](const int&, const Ev& e) { return e.value; };
/// A non-commutative fold and reduce: they check arrival order.
auto fold_hash = [](std::uint64_t& h, const Ev& e) { h = h * 31 + static_cast<std::uint64_t>(static_cast<std::int64_t>(e.value) + 1000); };
auto reduce_chain = [](int& a, const int& b) { a = (a * 3 + b) % 1000003; };
auto stamp_keyed = [](const int& k, const std::size_t& c) { return Stamped{k, c, current_timestamp()}; };
auto stamp_all = [](const std::size_t& c) { return Stamped{0, c, current_timestamp()}; };

/// Items with timestamps drifting up from `origin`, out of order by up to `jitter`, a jump of
/// 137 halfway (empty windows), a watermark `lag` behind the largest timestamp every `wm_every`
/// items, and with probability `late_p` an item well behind that watermark.
struct Script {
  int n = 500;
  int keys = 4;
  Timestamp origin = 0;
  Timestamp jitter = 10;
  Timestamp lag = 10;
  int wm_every = 3;
  double late_p = 0.0;
  bool watermarks = true;
};
std::vector<Ev> scripted(std::uint64_t seed, const Script& p) {
  std::mt19937_64 rng(seed);
  auto uni = [&](Timestamp a, Timestamp b) { return std::uniform_int_distribution<Timestamp>(a, b)(rng); };
  std::bernoulli_distribution late(p.late_p);
  std::vector<Ev> v;
  Timestamp base = p.origin, max_ts = kNoWm;
  for (int i = 0; i < p.n; ++i) {
    base += uni(0, 3);
    if (i == p.n / 2) base += 137;
    Ev e;
    e.ts = base + uni(0, p.jitter);
    if (p.late_p > 0 && late(rng)) e.ts = base - p.lag - uni(1, 40);
    e.key = static_cast<int>(uni(0, p.keys - 1));
    e.value = static_cast<int>(uni(-50, 50));
    max_ts = std::max(max_ts, e.ts);
    if (p.watermarks && i % p.wm_every == p.wm_every - 1) e.wm = max_ts - p.lag;
    v.push_back(e);
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// The model.
namespace model {

Timestamp floor_mult(Timestamp t, Timestamp m) { return t - ((t % m) + m) % m; }

/// What add_timestamps on one replica keeps, in source order: an item is late iff its
/// timestamp is below the last watermark emitted before it (watermarks only grow); a late item
/// is dropped before the watermark fn sees it, so it emits no watermark.
struct Arrival {
  std::vector<Ev> ontime;
  std::size_t late = 0;
};
template <class WmFn>
Arrival apply_watermarks(const std::vector<Ev>& src, WmFn wm) {
  Arrival a;
  Timestamp cur = kNoWm;
  for (const Ev& e : src) {
    if (e.ts < cur) {
      ++a.late;
      continue;
    }
    a.ontime.push_back(e);
    if (auto w = wm(e, e.ts); w && *w > cur) cur = *w;
  }
  return a;
}
Arrival apply_watermarks(const std::vector<Ev>& src) { return apply_watermarks(src, wm_field); }

/// A watermark every `every` items: the largest timestamp so far minus `delay`.
struct Bounded {
  Timestamp delay;
  std::size_t every = 1;
  std::size_t seen = 0;
  Timestamp latest = kNoWm;
  std::optional<Timestamp> operator()(const Ev&, Timestamp t) {
    latest = std::max(latest, t);
    if (++seen < every) return std::nullopt;
    seen = 0;
    return latest - delay;
  }
};

/// (key, window id) -> the window's items in arrival order. The id is the start for time
/// windows, the first timestamp for sessions, a sequence number otherwise.
using Windows = std::map<std::pair<int, Timestamp>, std::vector<Ev>>;

Windows time_windows(const std::vector<Ev>& ontime, Timestamp size, Timestamp slide, bool keyed) {
  Windows w;
  for (const Ev& e : ontime)
    for (Timestamp s = floor_mult(e.ts, slide); s > e.ts - size; s -= slide) w[{keyed ? e.key : 0, s}].push_back(e);
  return w;
}

/// Per key in arrival order: the full windows [j*slide, j*slide + size), then, at the end, the
/// oldest window not full if it holds an item no full window held.
Windows count_windows(const std::vector<Ev>& arrival, std::size_t size, std::size_t slide, bool keyed) {
  std::map<int, std::vector<Ev>> per_key;
  for (const Ev& e : arrival) per_key[keyed ? e.key : 0].push_back(e);
  Windows w;
  for (auto& [k, items] : per_key) {
    const std::size_t n = items.size();
    std::vector<bool> held(n, false);
    Timestamp id = 0;
    std::size_t s = 0;
    for (; s + size <= n; s += slide) {
      w[{k, id++}] = std::vector<Ev>(items.begin() + static_cast<long>(s), items.begin() + static_cast<long>(s + size));
      for (std::size_t i = s; i < s + size; ++i) held[i] = true;
    }
    if (s < n && std::any_of(held.begin() + static_cast<long>(s), held.end(), [](bool h) { return !h; }))
      w[{k, id++}] = std::vector<Ev>(items.begin() + static_cast<long>(s), items.end());
  }
  return w;
}

/// Per key, the items by timestamp (stable), split where two are >= gap apart.
Windows sessions(const std::vector<Ev>& ontime, Timestamp gap, bool keyed) {
  std::map<int, std::vector<Ev>> per_key;
  for (const Ev& e : ontime) per_key[keyed ? e.key : 0].push_back(e);
  Windows w;
  for (auto& [k, items] : per_key) {
    std::stable_sort(items.begin(), items.end(), [](const Ev& a, const Ev& b) { return a.ts < b.ts; });
    std::vector<Ev> cur;
    for (const Ev& e : items) {
      if (!cur.empty() && e.ts - cur.back().ts >= gap) {
        w[{k, cur.front().ts}] = cur;
        cur.clear();
      }
      cur.push_back(e);
    }
    if (!cur.empty()) w[{k, cur.front().ts}] = cur;
  }
  return w;
}

/// Transaction windows in source order; watermarks (the wm fields, if `watermarks`) fire
/// pending commit_after(t) once they pass t; at the end pending ones are emitted, open ones
/// dropped. No item is late here.
template <class Logic>
Windows transactions(const std::vector<Ev>& src, Logic logic, bool keyed, bool watermarks) {
  struct Open {
    std::vector<Ev> items;
    std::optional<Timestamp> after;
  };
  std::map<int, Open> open;
  Windows w;
  Timestamp id = 0, cur = kNoWm;
  for (const Ev& e : src) {
    const int k = keyed ? e.key : 0;
    Open& o = open[k];
    o.items.push_back(e);
    const TransactionOp op = logic(e);
    switch (op.kind) {
      case TransactionOp::Kind::commit:
        w[{k, id++}] = o.items;
        open.erase(k);
        break;
      case TransactionOp::Kind::commit_after:
        if (!o.after || op.after < *o.after) o.after = op.after;  // the earliest wins
        break;
      case TransactionOp::Kind::discard:
        open.erase(k);
        break;
      case TransactionOp::Kind::continue_:
        break;
    }
    if (watermarks && e.wm != kNoWm && e.wm > cur) {
      cur = e.wm;
      for (auto it = open.begin(); it != open.end();) {
        if (it->second.after && *it->second.after < cur) {
          w[{it->first, id++}] = it->second.items;
          it = open.erase(it);
        } else {
          ++it;
        }
      }
    }
  }
  for (auto& [k, o] : open)
    if (o.after) w[{k, id++}] = o.items;
  return w;
}

/// The windows with their items in timestamp order (stable: ties in arrival order).
Windows by_time(Windows w) {
  for (auto& [id, items] : w)
    std::stable_sort(items.begin(), items.end(), [](const Ev& a, const Ev& b) { return a.ts < b.ts; });
  return w;
}

template <class F>
auto keyed(const Windows& w, F f) {
  using R = std::decay_t<decltype(f(std::declval<const std::vector<Ev>&>()))>;
  std::vector<std::pair<int, R>> out;
  for (const auto& [id, items] : w) out.emplace_back(id.first, f(items));
  return sorted(std::move(out));
}
template <class F>
auto all(const Windows& w, F f) {
  using R = std::decay_t<decltype(f(std::declval<const std::vector<Ev>&>()))>;
  std::vector<R> out;
  for (const auto& [id, items] : w) out.push_back(f(items));
  return sorted(std::move(out));
}
/// (key, count, stamp) of each window, with stamp(id, items).
template <class StampFn>
std::vector<Stamped> stamped(const Windows& w, StampFn stamp) {
  std::vector<Stamped> out;
  for (const auto& [id, items] : w) out.push_back({id.first, items.size(), stamp(id.second, items)});
  return sorted(std::move(out));
}
Timestamp latest(const std::vector<Ev>& items) {
  Timestamp t = kNoWm;
  for (const Ev& e : items) t = std::max(t, e.ts);
  return t;
}

// Aggregators over a window's items (in window order where it matters).
std::size_t count(const std::vector<Ev>& w) { return w.size(); }
int sum(const std::vector<Ev>& w) {
  int s = 0;
  for (const Ev& e : w) s += e.value;
  return s;
}
double avg(const std::vector<Ev>& w) {
  long long s = 0;
  for (const Ev& e : w) s += e.value;
  return static_cast<double>(s) / static_cast<double>(w.size());
}
int min_value(const std::vector<Ev>& w) {
  int m = w.front().value;
  for (const Ev& e : w) m = e.value < m ? e.value : m;
  return m;
}
int max_value(const std::vector<Ev>& w) {
  int m = w.front().value;
  for (const Ev& e : w) m = e.value > m ? e.value : m;
  return m;
}
/// The first item (in window order) with the smallest / largest value.
Ev min_by(const std::vector<Ev>& w) {
  Ev best = w.front();
  for (const Ev& e : w)
    if (e.value < best.value) best = e;
  return best;
}
Ev max_by(const std::vector<Ev>& w) {
  Ev best = w.front();
  for (const Ev& e : w)
    if (e.value > best.value) best = e;
  return best;
}
Ev first(const std::vector<Ev>& w) { return w.front(); }
Ev last(const std::vector<Ev>& w) { return w.back(); }
std::vector<Ev> collect(const std::vector<Ev>& w) { return w; }
std::uint64_t hash(const std::vector<Ev>& w) {
  std::uint64_t h = 0;
  for (const Ev& e : w) fold_hash(h, e);
  return h;
}
int chain(const std::vector<Ev>& w) {
  int a = w.front().value;
  for (std::size_t i = 1; i < w.size(); ++i) reduce_chain(a, w[i].value);
  return a;
}

}  // namespace model

std::vector<Ev> values_to_ts(std::initializer_list<Timestamp> ts) {
  std::vector<Ev> v;
  int i = 0;
  for (Timestamp t : ts) v.push_back({t, 0, i++, t});  // watermark = own timestamp
  return v;
}
std::vector<std::vector<Timestamp>> ts_lists(const std::vector<std::vector<Ev>>& ws) {
  std::vector<std::vector<Timestamp>> out;
  for (const auto& w : ws) {
    out.emplace_back();
    for (const Ev& e : w) out.back().push_back(e.ts);
  }
  return sorted(out);
}

RENOIR_PAR_SUITE(Window);

// ---------------------------------------------------------------------------------------------
// Count windows.

TEST_P(Window, CountWindowsKeyed) {
  auto ctx = context();
  Script p;
  p.n = 700;
  p.keys = 5;
  p.watermarks = false;
  const auto evs = scripted(11, p);
  auto by_key = [&] { return ctx.stream_iter(evs).group_by(key_of); };
  auto t_count = by_key().window(CountWindow::tumbling(7)).count().collect_vec();
  auto t_collect = by_key().window(CountWindow::tumbling(7)).collect_vec().collect_vec();
  auto t_fold = by_key().window(CountWindow::tumbling(6)).fold(std::uint64_t{0}, fold_hash).collect_vec();
  auto s_sum = by_key().window(CountWindow::sliding(5, 2)).sum(value_of).collect_vec();
  auto s_avg = by_key().window(CountWindow::sliding(5, 2)).avg(value_of).collect_vec();
  auto s_first = by_key().window(CountWindow::sliding(4, 1)).first().collect_vec();
  auto s_last = by_key().window(CountWindow::sliding(4, 1)).last().collect_vec();
  auto g_collect = by_key().window(CountWindow::sliding(3, 5)).collect_vec().collect_vec();  // slide > size
  auto g_minby = by_key().window(CountWindow::sliding(2, 7)).min_by(value_of).collect_vec();
  auto i_reduce = by_key().map(kv_value).window(CountWindow::sliding(6, 4)).reduce(reduce_chain).collect_vec();
  auto i_min = by_key().map(kv_value).window(CountWindow::tumbling(9)).min().collect_vec();
  auto i_max = by_key().map(kv_value).window(CountWindow::tumbling(9)).max().collect_vec();
  ctx.execute_blocking();
  using namespace model;
  EXPECT_EQ(sorted(take(t_count)), keyed(count_windows(evs, 7, 7, true), count));
  EXPECT_EQ(sorted(take(t_collect)), keyed(count_windows(evs, 7, 7, true), collect));
  EXPECT_EQ(sorted(take(t_fold)), keyed(count_windows(evs, 6, 6, true), hash));
  EXPECT_EQ(sorted(take(s_sum)), keyed(count_windows(evs, 5, 2, true), sum));
  EXPECT_EQ(sorted(take(s_avg)), keyed(count_windows(evs, 5, 2, true), avg));
  EXPECT_EQ(sorted(take(s_first)), keyed(count_windows(evs, 4, 1, true), first));
  EXPECT_EQ(sorted(take(s_last)), keyed(count_windows(evs, 4, 1, true), last));
  EXPECT_EQ(sorted(take(g_collect)), keyed(count_windows(evs, 3, 5, true), collect));
  EXPECT_EQ(sorted(take(g_minby)), keyed(count_windows(evs, 2, 7, true), min_by));
  EXPECT_EQ(sorted(take(i_reduce)), keyed(count_windows(evs, 6, 4, true), chain));
  EXPECT_EQ(sorted(take(i_min)), keyed(count_windows(evs, 9, 9, true), min_value));
  EXPECT_EQ(sorted(take(i_max)), keyed(count_windows(evs, 9, 9, true), max_value));
  EXPECT_EQ(ctx.late_items(), 0u);
}

TEST_P(Window, CountWindowsAllAndOnTimestampedStreams) {
  auto ctx = context();
  Script p;
  p.n = 503;
  p.late_p = 0.05;  // dropped by add_timestamps, before the count windows
  const auto evs = scripted(12, p);
  auto src = [&] { return ctx.stream_iter(evs); };
  auto a_count = src().window_all(CountWindow::sliding(4, 3)).count().collect_vec();
  auto a_maxby = src().window_all(CountWindow::tumbling(10)).max_by(value_of).collect_vec();
  auto a_sum = src().map(value_of).window_all(CountWindow::tumbling(10)).sum().collect_vec();
  auto a_avg = src().map(value_of).window_all(CountWindow::sliding(8, 3)).avg().collect_vec();
  auto a_gap = src().window_all(CountWindow::sliding(3, 8)).collect_vec().collect_vec();
  // On a timestamped stream count windows keep arrival order for first/last/collect_vec and
  // stamp their result with the latest timestamp of their items; late items never reach them.
  auto tsrc = [&] { return ctx.stream_iter(evs).add_timestamps(ts_of, wm_field); };
  auto ts_first = tsrc().group_by(key_of).window(CountWindow::tumbling(5)).first().collect_vec();
  auto ts_last = tsrc().group_by(key_of).window(CountWindow::tumbling(5)).last().collect_vec();
  auto ts_collect = tsrc().window_all(CountWindow::sliding(6, 4)).collect_vec().collect_vec();
  auto ts_stamps = tsrc().group_by(key_of).window(CountWindow::sliding(5, 3)).count().map(stamp_keyed).drop_key().collect_vec();
  ctx.execute_blocking();
  using namespace model;
  EXPECT_EQ(sorted(take(a_count)), all(count_windows(evs, 4, 3, false), count));
  EXPECT_EQ(sorted(take(a_maxby)), all(count_windows(evs, 10, 10, false), max_by));
  EXPECT_EQ(sorted(take(a_sum)), all(count_windows(evs, 10, 10, false), sum));
  EXPECT_EQ(sorted(take(a_avg)), all(count_windows(evs, 8, 3, false), avg));
  EXPECT_EQ(sorted(take(a_gap)), all(count_windows(evs, 3, 8, false), collect));
  const auto arr = apply_watermarks(evs);
  ASSERT_GT(arr.late, 0u);
  EXPECT_EQ(sorted(take(ts_first)), keyed(count_windows(arr.ontime, 5, 5, true), first));
  EXPECT_EQ(sorted(take(ts_last)), keyed(count_windows(arr.ontime, 5, 5, true), last));
  EXPECT_EQ(sorted(take(ts_collect)), all(count_windows(arr.ontime, 6, 4, false), collect));
  EXPECT_EQ(sorted(take(ts_stamps)), stamped(count_windows(arr.ontime, 5, 3, true), [](Timestamp, const auto& w) { return latest(w); }));
  EXPECT_EQ(ctx.late_items(), 4 * arr.late);
}

// ---------------------------------------------------------------------------------------------
// Event-time windows.

TEST_P(Window, EventTimeTumblingEveryAggregatorKeyed) {
  auto ctx = context();
  Script p;
  p.n = 600;
  p.origin = -300;  // negative timestamps
  p.jitter = 12;
  p.lag = 10;  // some in-order-drawn items fall behind too
  p.late_p = 0.03;
  const auto evs = scripted(21, p);
  const auto d = EventTimeWindow::tumbling(25);
  auto keyed = [&] { return ctx.stream_iter(evs).add_timestamps(ts_of, wm_field).group_by(key_of); };
  std::size_t pipelines = 0;
  auto w = [&] {
    ++pipelines;
    return keyed().window(d);
  };
  auto iw = [&] {
    ++pipelines;
    return keyed().map(kv_value).window(d);
  };
  auto stamps = w().count().map(stamp_keyed).drop_key().collect_vec();
  auto sum_f = w().sum(value_of).collect_vec();
  auto sum_f_ll = w().sum<long long>(value_of).collect_vec();
  auto avg_f = w().avg(value_of).collect_vec();
  auto sum = iw().sum().collect_vec();
  auto avg = iw().avg().collect_vec();
  auto min = iw().min().collect_vec();
  auto max = iw().max().collect_vec();
  auto reduce = iw().reduce(reduce_chain).collect_vec();
  auto min_by = w().min_by(value_of).collect_vec();
  auto max_by = w().max_by(value_of).collect_vec();
  auto first = w().first().collect_vec();
  auto last = w().last().collect_vec();
  auto collect = w().collect_vec().collect_vec();
  auto fold = w().fold(std::uint64_t{0}, fold_hash).collect_vec();
  ctx.execute_blocking();
  const auto arr = model::apply_watermarks(evs);
  ASSERT_GT(arr.late, 0u);
  const auto wins = model::time_windows(arr.ontime, 25, 25, true);
  const auto ordered = model::by_time(wins);
  EXPECT_EQ(sorted(take(stamps)), model::stamped(wins, [](Timestamp s, const auto&) { return s + 24; }));
  EXPECT_EQ(sorted(take(sum_f)), model::keyed(wins, model::sum));
  auto ll = model::keyed(wins, [](const auto& v) { return static_cast<long long>(model::sum(v)); });
  EXPECT_EQ(sorted(take(sum_f_ll)), ll);
  EXPECT_EQ(sorted(take(avg_f)), model::keyed(wins, model::avg));
  EXPECT_EQ(sorted(take(sum)), model::keyed(wins, model::sum));
  EXPECT_EQ(sorted(take(avg)), model::keyed(wins, model::avg));
  EXPECT_EQ(sorted(take(min)), model::keyed(wins, model::min_value));
  EXPECT_EQ(sorted(take(max)), model::keyed(wins, model::max_value));
  EXPECT_EQ(sorted(take(reduce)), model::keyed(wins, model::chain));     // arrival order
  EXPECT_EQ(sorted(take(min_by)), model::keyed(ordered, model::min_by));  // window order
  EXPECT_EQ(sorted(take(max_by)), model::keyed(ordered, model::max_by));
  EXPECT_EQ(sorted(take(first)), model::keyed(ordered, model::first));
  EXPECT_EQ(sorted(take(last)), model::keyed(ordered, model::last));
  EXPECT_EQ(sorted(take(collect)), model::keyed(ordered, model::collect));
  EXPECT_EQ(sorted(take(fold)), model::keyed(wins, model::hash));  // arrival order
  EXPECT_EQ(ctx.late_items(), pipelines * arr.late);
}

TEST_P(Window, EventTimeSlidingKeyedAndAll) {
  auto ctx = context();
  Script p;
  p.n = 500;
  p.keys = 3;
  p.origin = -120;
  p.jitter = 8;
  p.lag = 8;
  p.wm_every = 2;
  p.late_p = 0.04;
  const auto evs = scripted(31, p);
  auto src = [&] { return ctx.stream_iter(evs).add_timestamps(ts_of, wm_field); };
  struct Case {
    Timestamp size, slide;
  };
  // Overlapping, slide > size (gaps with no window), slide not dividing size.
  const std::vector<Case> cases{{30, 10}, {10, 25}, {17, 5}};
  using KC = decltype(src().group_by(key_of).window(EventTimeWindow::tumbling(1)).count().collect_vec());
  using KV = decltype(src().group_by(key_of).window(EventTimeWindow::tumbling(1)).collect_vec().collect_vec());
  using AS = decltype(src().window_all(EventTimeWindow::tumbling(1)).count().map(stamp_all).collect_vec());
  using AV = decltype(src().window_all(EventTimeWindow::tumbling(1)).collect_vec().collect_vec());
  using AM = decltype(src().window_all(EventTimeWindow::tumbling(1)).min_by(value_of).collect_vec());
  std::vector<KC> kc;
  std::vector<KV> kv;
  std::vector<AS> as;
  std::vector<AV> av;
  std::vector<AM> am;
  for (const Case& c : cases) {
    const auto d = EventTimeWindow::sliding(c.size, c.slide);
    kc.push_back(src().group_by(key_of).window(d).count().collect_vec());
    kv.push_back(src().group_by(key_of).window(d).collect_vec().collect_vec());
    as.push_back(src().window_all(d).count().map(stamp_all).collect_vec());
    av.push_back(src().window_all(d).collect_vec().collect_vec());
    am.push_back(src().window_all(d).min_by(value_of).collect_vec());
  }
  ctx.execute_blocking();
  const auto arr = model::apply_watermarks(evs);
  ASSERT_GT(arr.late, 0u);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    SCOPED_TRACE(cat("sliding(", c.size, ", ", c.slide, ")"));
    const auto kw = model::by_time(model::time_windows(arr.ontime, c.size, c.slide, true));
    const auto aw = model::by_time(model::time_windows(arr.ontime, c.size, c.slide, false));
    EXPECT_EQ(sorted(take(kc[i])), model::keyed(kw, model::count));
    EXPECT_EQ(sorted(take(kv[i])), model::keyed(kw, model::collect));
    EXPECT_EQ(sorted(take(as[i])), model::stamped(aw, [&](Timestamp s, const auto&) { return s + c.size - 1; }));
    EXPECT_EQ(sorted(take(av[i])), model::all(aw, model::collect));
    EXPECT_EQ(sorted(take(am[i])), model::all(aw, model::min_by));
  }
  EXPECT_EQ(ctx.late_items(), 5 * cases.size() * arr.late);
}

TEST_P(Window, EventTimeBoundariesGapsAndNegativeTimestamps) {
  auto ctx = context();
  // In timestamp order, each item followed by the watermark of its own timestamp: an item at
  // the watermark is on time (29 again), one below it is late (28).
  const auto evs = values_to_ts({-25, -16, -15, -11, -10, -1, 0, 9, 10, 19, 20, 24, 25, 29, 29, 28, 34, 35, 50});
  auto src = [&] { return ctx.stream_iter(evs).add_timestamps(ts_of, wm_field); };
  auto tumbling = src().window_all(EventTimeWindow::tumbling(10)).collect_vec().collect_vec();
  auto tumbling_stamps = src().window_all(EventTimeWindow::tumbling(10)).count().map(stamp_all).collect_vec();
  auto gaps = src().window_all(EventTimeWindow::sliding(10, 25)).collect_vec().collect_vec();
  auto gap_stamps = src().window_all(EventTimeWindow::sliding(10, 25)).count().map(stamp_all).collect_vec();
  auto sliding = src().group_by(key_of).window(EventTimeWindow::sliding(20, 10)).count().map(stamp_keyed).drop_key().collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(ts_lists(take(tumbling)), (std::vector<std::vector<Timestamp>>{
                                          {-25}, {-16, -15, -11}, {-10, -1}, {0, 9}, {10, 19}, {20, 24, 25, 29, 29}, {34, 35}, {50}}));
  EXPECT_EQ(sorted(take(tumbling_stamps)),
            sorted(std::vector<Stamped>{{0, 1, -21}, {0, 3, -11}, {0, 2, -1}, {0, 2, 9}, {0, 2, 19}, {0, 5, 29}, {0, 2, 39}, {0, 1, 59}}));
  // sliding(10, 25): windows [-25, -15), [0, 10), [25, 35), [50, 60); -15, -11, -10, -1, 10..24
  // and 35 fall in the gaps.
  EXPECT_EQ(ts_lists(take(gaps)), (std::vector<std::vector<Timestamp>>{{-25, -16}, {0, 9}, {25, 29, 29, 34}, {50}}));
  EXPECT_EQ(sorted(take(gap_stamps)), (std::vector<Stamped>{{0, 1, 59}, {0, 2, -16}, {0, 2, 9}, {0, 4, 34}}));
  const auto arr = model::apply_watermarks(evs);
  EXPECT_EQ(arr.late, 1u);
  EXPECT_EQ(sorted(take(sliding)),
            model::stamped(model::time_windows(arr.ontime, 20, 10, true), [](Timestamp s, const auto&) { return s + 19; }));
  EXPECT_EQ(ctx.late_items(), 5u);
}

TEST_P(Window, LateItemsAreDroppedAndCounted) {
  auto ctx = context();
  // Watermark 100 after the item at 105: then 100 (at the watermark) is on time, 99 late; the
  // watermark 90 after 120 does not move it back, so 95 is late too, and -5.
  std::vector<Ev> evs{{10, 0, 1, kNoWm}, {105, 1, 2, 100}, {100, 0, 3, kNoWm}, {99, 1, 4, kNoWm},
                      {120, 0, 5, 90},   {95, 0, 6, kNoWm}, {101, 1, 7, kNoWm}, {-5, 1, 8, kNoWm}};
  auto src = [&] { return ctx.stream_iter(evs).add_timestamps(ts_of, wm_field); };
  auto keyed = src().group_by(key_of).window(EventTimeWindow::tumbling(100)).collect_vec().collect_vec();
  auto all = src().window_all(EventTimeWindow::tumbling(50)).sum(value_of).collect_vec();
  auto session = src().group_by(key_of).window(SessionWindow::with_gap(30)).count().collect_vec();
  ctx.execute_blocking();
  // Late: 99, 95, -5 (100 equals the watermark: on time).
  const auto arr = model::apply_watermarks(evs);
  EXPECT_EQ(arr.late, 3u);
  EXPECT_EQ(sorted(take(keyed)), (std::vector<std::pair<int, std::vector<Ev>>>{
                                     {0, {evs[0]}}, {0, {evs[2], evs[4]}}, {1, {evs[6], evs[1]}}}));
  EXPECT_EQ(sorted(take(all)), (std::vector<int>{1, 17}));
  EXPECT_EQ(sorted(take(session)), (std::vector<std::pair<int, std::size_t>>{{0, 1}, {0, 2}, {1, 2}}));
  EXPECT_EQ(ctx.late_items(), 9u);
}

TEST_P(Window, RandomizedSlidingWindowsWithBoundedOutOfOrder) {
  const std::uint64_t seed = test_seed();
  SCOPED_TRACE(cat("RENOIR_TEST_SEED=", seed));
  std::mt19937_64 rng(seed);
  auto uni = [&](long long a, long long b) { return std::uniform_int_distribution<long long>(a, b)(rng); };
  const int n = static_cast<int>(uni(1000, 3000));
  const int keys = static_cast<int>(uni(2, 8));
  const Timestamp jitter = uni(0, 30);
  const Timestamp delay = uni(0, jitter);  // items more than `delay` out of order may be late
  const std::size_t every = static_cast<std::size_t>(uni(1, 6));
  const Timestamp size = uni(1, 60);
  const Timestamp slide = uni(1, 2) == 1 ? uni(1, size) : uni(size, size + 40);  // overlapping or gaps
  const Timestamp gap = uni(1, 40);
  // Timestamps drift up from a random (possibly negative) origin; the input is out of order by
  // up to `jitter` (a local shuffle of sorted timestamps) plus a few items far behind.
  std::vector<Ev> evs;
  Timestamp base = uni(-5000, 5000);
  for (int i = 0; i < n; ++i) {
    base += uni(0, 4);
    Ev e{base + uni(0, jitter), static_cast<int>(uni(0, keys - 1)), static_cast<int>(uni(-1000, 1000)), kNoWm};
    if (uni(0, 99) < 2) e.ts = base - uni(jitter + 1, jitter + 200);
    evs.push_back(e);
  }
  for (int i = 0; i + 1 < n; ++i)
    if (uni(0, 3) == 0) std::swap(evs[i], evs[i + 1]);
  std::cout << "[ params   ] n=" << n << " keys=" << keys << " jitter=" << jitter << " delay=" << delay << " every=" << every
            << " size=" << size << " slide=" << slide << " gap=" << gap << "\n";

  auto ctx = context();
  auto src = [&] {
    return ctx.stream_iter(evs).add_timestamps(ts_of, BoundedOutOfOrder{.max_delay = delay, .every = every});
  };
  const auto d = EventTimeWindow::sliding(size, slide);
  auto k_count = src().group_by(key_of).window(d).count().map(stamp_keyed).drop_key().collect_vec();
  auto k_collect = src().group_by(key_of).window(d).collect_vec().collect_vec();
  auto k_maxby = src().group_by(key_of).window(d).max_by(value_of).collect_vec();
  auto a_sum = src().window_all(d).sum(value_of).collect_vec();
  auto a_last = src().window_all(d).last().collect_vec();
  // Sessions on the same input shifted to positive timestamps (see SessionWindowsWithNegativeTimestamps).
  std::vector<Ev> shifted = evs;
  for (Ev& e : shifted) e.ts += 20000;
  auto s_collect = ctx.stream_iter(shifted)
                       .add_timestamps(ts_of, BoundedOutOfOrder{.max_delay = delay, .every = every})
                       .group_by(key_of)
                       .window(SessionWindow::with_gap(gap))
                       .collect_vec()
                       .collect_vec();
  ctx.execute_blocking();

  const auto arr = model::apply_watermarks(evs, model::Bounded{delay, every});
  const auto kw = model::by_time(model::time_windows(arr.ontime, size, slide, true));
  const auto aw = model::by_time(model::time_windows(arr.ontime, size, slide, false));
  EXPECT_EQ(sorted(take(k_count)), model::stamped(kw, [&](Timestamp s, const auto&) { return s + size - 1; }));
  EXPECT_EQ(sorted(take(k_collect)), model::keyed(kw, model::collect));
  EXPECT_EQ(sorted(take(k_maxby)), model::keyed(kw, model::max_by));
  EXPECT_EQ(sorted(take(a_sum)), model::all(aw, model::sum));
  EXPECT_EQ(sorted(take(a_last)), model::all(aw, model::last));
  const auto sarr = model::apply_watermarks(shifted, model::Bounded{delay, every});
  EXPECT_EQ(sarr.late, arr.late);
  EXPECT_EQ(sorted(take(s_collect)), model::keyed(model::sessions(sarr.ontime, gap, true), model::collect));
  EXPECT_EQ(ctx.late_items(), 6 * arr.late) << "model late items: " << arr.late;
}

TEST_P(Window, ParallelSourceWithOwnWatermarksIsExact) {
  // stream_par_iter: every source replica has its own watermarks (min-combined downstream).
  // Timestamps 10i + 7*((37i) % 5) - 3000: unique, out of order by up to 28 =
  // BoundedOutOfOrder's delay, and every replica reads an increasing range of i: no item is
  // late anywhere.
  constexpr int kN = 2000;
  auto make = [](int i) { return Ev{10 * Timestamp(i) + 7 * ((37 * i) % 5) - 3000, i % 7, (i * 7919) % 41 - 20, kNoWm}; };
  // The same, positive, for sessions (see SessionWindowsWithNegativeTimestamps).
  auto make_pos = [make](int i) {
    Ev e = make(i);
    e.ts += 3000;
    return e;
  };
  std::vector<Ev> evs, pos;
  for (int i = 0; i < kN; ++i) evs.push_back(make(i)), pos.push_back(make_pos(i));
  auto ctx = context();
  auto src = [&] { return ctx.stream_par_iter(0, kN).map(make).add_timestamps(ts_of, BoundedOutOfOrder{.max_delay = 28}); };
  // Watermarks trailing by the whole range: nothing closes before the end.
  auto src_end = [&] {
    return ctx.stream_par_iter(0, kN).map(make).add_timestamps(ts_of, [](const Ev& e, Timestamp) -> std::optional<Timestamp> {
      return e.ts - 100000;
    });
  };
  const auto d = EventTimeWindow::sliding(100, 40);
  auto k_collect = src().group_by(key_of).window(d).collect_vec().collect_vec();
  auto k_minby = src().group_by(key_of).window(d).min_by(value_of).collect_vec();
  auto k_first = src().group_by(key_of).window(EventTimeWindow::tumbling(130)).first().collect_vec();
  auto a_count = src().window_all(EventTimeWindow::tumbling(250)).count().map(stamp_all).collect_vec();
  auto a_last = src().window_all(EventTimeWindow::sliding(50, 70)).last().collect_vec();
  auto a_maxby = src_end().window_all(EventTimeWindow::tumbling(90)).max_by(value_of).collect_vec();
  auto k_avg = src_end().group_by(key_of).window(d).avg(value_of).collect_vec();
  auto s_collect = ctx.stream_par_iter(0, kN)
                       .map(make_pos)
                       .add_timestamps(ts_of, BoundedOutOfOrder{.max_delay = 28})
                       .group_by(key_of)
                       .window(SessionWindow::with_gap(70))
                       .collect_vec()
                       .collect_vec();
  auto s_none = ctx.stream_par_iter(0, kN).map(make_pos).add_timestamps(ts_of, no_wm).window_all(SessionWindow::with_gap(25)).count().collect_vec();
  ctx.execute_blocking();
  auto kw = model::by_time(model::time_windows(evs, 100, 40, true));
  EXPECT_EQ(sorted(take(k_collect)), model::keyed(kw, model::collect));
  EXPECT_EQ(sorted(take(k_minby)), model::keyed(kw, model::min_by));
  EXPECT_EQ(sorted(take(k_first)), model::keyed(model::by_time(model::time_windows(evs, 130, 130, true)), model::first));
  EXPECT_EQ(sorted(take(a_count)),
            model::stamped(model::time_windows(evs, 250, 250, false), [](Timestamp s, const auto&) { return s + 249; }));
  EXPECT_EQ(sorted(take(a_last)), model::all(model::by_time(model::time_windows(evs, 50, 70, false)), model::last));
  EXPECT_EQ(sorted(take(a_maxby)), model::all(model::by_time(model::time_windows(evs, 90, 90, false)), model::max_by));
  EXPECT_EQ(sorted(take(k_avg)), model::keyed(kw, model::avg));
  const auto sw = model::sessions(pos, 70, true);
  EXPECT_GT(sw.size(), 7u * 3);  // the gap does split the keys
  EXPECT_EQ(sorted(take(s_collect)), model::keyed(sw, model::collect));
  EXPECT_EQ(sorted(take(s_none)), model::all(model::sessions(pos, 25, false), model::count));
  EXPECT_EQ(ctx.late_items(), 0u);
}

// ---------------------------------------------------------------------------------------------
// Session and transaction windows.

TEST_P(Window, SessionWindows) {
  auto ctx = context();
  Script p;
  p.n = 600;
  p.keys = 6;
  p.origin = 1;  // see SessionWindowsWithNegativeTimestamps
  p.jitter = 15;
  p.lag = 15;
  p.late_p = 0.03;
  const auto evs = scripted(41, p);
  auto src = [&] { return ctx.stream_iter(evs).add_timestamps(ts_of, wm_field); };
  const Timestamp gap = 14;
  const auto d = SessionWindow::with_gap(gap);
  auto k_collect = src().group_by(key_of).window(d).collect_vec().collect_vec();
  auto k_stamps = src().group_by(key_of).window(d).count().map(stamp_keyed).drop_key().collect_vec();
  auto k_sum = src().group_by(key_of).window(d).sum(value_of).collect_vec();
  auto k_maxby = src().group_by(key_of).window(d).max_by(value_of).collect_vec();
  auto a_max = src().map(value_of).window_all(SessionWindow::with_gap(4)).max().collect_vec();
  auto a_first = src().window_all(SessionWindow::with_gap(4)).first().collect_vec();
  // Items exactly `gap` apart are in different sessions; less than gap apart, the same one.
  std::vector<Ev> edge{{0, 0, 1, kNoWm}, {9, 0, 2, kNoWm}, {5, 0, 3, 5}, {14, 1, 4, kNoWm}, {19, 1, 5, 10}, {40, 0, 6, kNoWm}};
  auto e_collect = ctx.stream_iter(edge).add_timestamps(ts_of, wm_field).group_by(key_of).window(SessionWindow::with_gap(5)).collect_vec().collect_vec();
  ctx.execute_blocking();
  const auto arr = model::apply_watermarks(evs);
  ASSERT_GT(arr.late, 0u);
  const auto kw = model::sessions(arr.ontime, gap, true);
  EXPECT_GT(kw.size(), 6u * 2);
  EXPECT_EQ(sorted(take(k_collect)), model::keyed(kw, model::collect));
  EXPECT_EQ(sorted(take(k_stamps)), model::stamped(kw, [&](Timestamp, const auto& w) { return w.back().ts + gap - 1; }));
  EXPECT_EQ(sorted(take(k_sum)), model::keyed(kw, model::sum));
  EXPECT_EQ(sorted(take(k_maxby)), model::keyed(kw, model::max_by));
  const auto aw = model::sessions(arr.ontime, 4, false);
  EXPECT_EQ(sorted(take(a_max)), model::all(aw, model::max_value));
  EXPECT_EQ(sorted(take(a_first)), model::all(aw, model::first));
  // Key 0: {0}, then 9 and 5 (out of order, within the watermark) -> {5, 9}, then {40};
  // key 1: 14 and 19 are 5 apart -> {14}, {19}.
  EXPECT_EQ(sorted(take(e_collect)), (std::vector<std::pair<int, std::vector<Ev>>>{
                                         {0, {edge[0]}}, {0, {edge[2], edge[1]}}, {0, {edge[5]}}, {1, {edge[3]}}, {1, {edge[4]}}}));
  EXPECT_EQ(ctx.late_items(), 6 * arr.late);
}

// ENGINE BUG (api/windows/managers.hpp, SessionWindows): a key's first session starts with
// `last = 0` (PerKey{{}, false, 0, ...}) and feed() only raises it (`last = max(last, t)`), never
// resets it when a session opens. With negative timestamps the first session's `last` stays 0:
// every item of the key with ts < gap joins it, and it is stamped gap - 1. Repro below: items at
// -20 and -10 with gap 5 must make two sessions of one item each, stamped -16 and -6; the engine
// makes one of 2 items stamped 4. Other sessions tests use positive timestamps because of it.
TEST_P(Window, SessionWindowsWithNegativeTimestamps) {
  auto ctx = context();
  const std::vector<Ev> evs{{-20, 0, 1, kNoWm}, {-10, 0, 2, kNoWm}, {-3, 1, 3, kNoWm}};
  auto out = ctx.stream_iter(evs)
                 .add_timestamps(ts_of, wm_field)
                 .group_by(key_of)
                 .window(SessionWindow::with_gap(5))
                 .count()
                 .map(stamp_keyed)
                 .drop_key()
                 .collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(out)), (std::vector<Stamped>{{0, 1, -16}, {0, 1, -6}, {1, 1, 1}}));
}

/// value % 8: 0 commits, 1 commits once the watermark passes ts + 20, 2 discards, else proceed.
TransactionOp tx_logic(const Ev& e) {
  switch (((e.value % 8) + 8) % 8) {
    case 0: return TransactionOp::commit();
    case 1: return TransactionOp::commit_after(e.ts + 20);
    case 2: return TransactionOp::discard();
    default: return TransactionOp::proceed();
  }
}

TEST_P(Window, TransactionWindows) {
  auto ctx = context();
  Script p;
  p.n = 800;
  p.keys = 4;
  p.late_p = 0.03;  // dropped by add_timestamps, before the windows
  const auto evs = scripted(51, p);
  auto logic = TransactionWindow(tx_logic);
  // BatchMode::single(): every watermark goes out right after its item, so the window sees the
  // source order (see TransactionCommitAfterWithDefaultBatching for the default batching).
  auto tsrc = [&] { return ctx.stream_iter(evs).batch_mode(BatchMode::single()).add_timestamps(ts_of, wm_field); };
  auto k_collect = tsrc().group_by(key_of).window(logic).collect_vec().collect_vec();
  auto k_stamps = tsrc().group_by(key_of).window(logic).count().map(stamp_keyed).drop_key().collect_vec();
  auto k_first = tsrc().group_by(key_of).window(logic).first().collect_vec();
  auto a_sum = tsrc().window_all(logic).sum(value_of).collect_vec();
  // Untimestamped: commit_after fires only at the end.
  auto u_collect = ctx.stream_iter(evs).group_by(key_of).window(logic).collect_vec().collect_vec();
  auto u_minby = ctx.stream_iter(evs).window_all(logic).min_by(value_of).collect_vec();
  ctx.execute_blocking();
  const auto arr = model::apply_watermarks(evs);
  ASSERT_GT(arr.late, 0u);
  const auto kw = model::transactions(arr.ontime, tx_logic, true, true);
  EXPECT_EQ(sorted(take(k_collect)), model::keyed(kw, model::collect));
  EXPECT_EQ(sorted(take(k_stamps)), model::stamped(kw, [](Timestamp, const auto& w) { return model::latest(w); }));
  EXPECT_EQ(sorted(take(k_first)), model::keyed(kw, model::first));  // arrival order
  EXPECT_EQ(sorted(take(a_sum)), model::all(model::transactions(arr.ontime, tx_logic, false, true), model::sum));
  const auto uw = model::transactions(evs, tx_logic, true, false);
  EXPECT_NE(kw, model::transactions(arr.ontime, tx_logic, true, false));  // the watermarks do matter
  EXPECT_EQ(sorted(take(u_collect)), model::keyed(uw, model::collect));
  EXPECT_EQ(sorted(take(u_minby)), model::all(model::transactions(evs, tx_logic, false, false), model::min_by));
  EXPECT_EQ(ctx.late_items(), 4 * arr.late);
}

// commit_after(t) fires at the first watermark past t that reaches the window. Watermarks ride
// on the next batch, so with the default batching the window may see items that followed the
// watermark at the source before it (documented in descriptions.hpp): the item at 31 may then
// join key 0's window. BatchMode::single() upstream gives the source order exactly.
TEST_P(Window, TransactionCommitAfterWithDefaultBatching) {
  auto ctx = context();
  const std::vector<Ev> evs{{0, 0, 1, kNoWm}, {30, 1, 3, 30}, {31, 0, 3, kNoWm}};
  auto batched = ctx.stream_iter(evs).add_timestamps(ts_of, wm_field).group_by(key_of).window(TransactionWindow(tx_logic)).collect_vec().collect_vec();
  auto single = ctx.stream_iter(evs)
                    .batch_mode(BatchMode::single())
                    .add_timestamps(ts_of, wm_field)
                    .group_by(key_of)
                    .window(TransactionWindow(tx_logic))
                    .collect_vec()
                    .collect_vec();
  ctx.execute_blocking();
  const std::vector<std::pair<int, std::vector<Ev>>> expected{{0, {evs[0]}}};
  EXPECT_EQ(model::keyed(model::transactions(evs, tx_logic, true, true), model::collect), expected);
  EXPECT_EQ(sorted(take(single)), expected);
  const std::vector<std::pair<int, std::vector<Ev>>> later{{0, {evs[0], evs[2]}}};
  const auto b = sorted(take(batched));
  EXPECT_TRUE(b == expected || b == later) << "commit_after must fire at the watermark, before or after the next item";
}

// Several commit_after in one window: the earliest time asked for wins (a later, larger one does
// not delay it), as the first of several event-time timers fires.
TEST_P(Window, TransactionEarliestCommitAfterWins) {
  auto ctx = context();
  // value % 8 == 1: commit_after(ts + 20); 3: proceed. Key 0 asks for 20, then 25; the
  // watermark 21 (key 1's item) passes 20 but not 25; the item at 22 comes after it.
  const std::vector<Ev> evs{{0, 0, 1, kNoWm}, {5, 0, 9, kNoWm}, {21, 1, 3, 21}, {22, 0, 3, kNoWm}};
  auto out = ctx.stream_iter(evs)
                 .batch_mode(BatchMode::single())
                 .add_timestamps(ts_of, wm_field)
                 .group_by(key_of)
                 .window(TransactionWindow(tx_logic))
                 .collect_vec()
                 .collect_vec();
  ctx.execute_blocking();
  const std::vector<std::pair<int, std::vector<Ev>>> expected{{0, {evs[0], evs[1]}}};
  EXPECT_EQ(model::keyed(model::transactions(evs, tx_logic, true, true), model::collect), expected);
  EXPECT_EQ(sorted(take(out)), expected);
}

// ---------------------------------------------------------------------------------------------
// Edge cases: empty input, a single item.

TEST_P(Window, EmptyInputEmitsNothing) {
  auto ctx = context();
  const std::vector<Ev> none;
  auto t = [&] { return ctx.stream_iter(none).add_timestamps(ts_of, wm_field); };
  auto c1 = ctx.stream_iter(none).group_by(key_of).window(CountWindow::tumbling(3)).count().collect_vec();
  auto c2 = ctx.stream_iter(none).window_all(CountWindow::sliding(3, 1)).collect_vec().collect_vec();
  auto e1 = t().group_by(key_of).window(EventTimeWindow::tumbling(10)).count().collect_vec();
  auto e2 = t().window_all(EventTimeWindow::sliding(10, 3)).max_by(value_of).collect_vec();
  auto s1 = t().group_by(key_of).window(SessionWindow::with_gap(5)).count().collect_vec();
  auto x1 = t().window_all(TransactionWindow(tx_logic)).count().collect_vec();
  auto p1 = ctx.stream_iter(none).window_all(ProcessingTimeWindow::tumbling(5ms)).count().collect_vec();
  auto r1 = t().reorder().collect_vec();
  ctx.execute_blocking();
  EXPECT_TRUE(take(c1).empty());
  EXPECT_TRUE(take(c2).empty());
  EXPECT_TRUE(take(e1).empty());
  EXPECT_TRUE(take(e2).empty());
  EXPECT_TRUE(take(s1).empty());
  EXPECT_TRUE(take(x1).empty());
  EXPECT_TRUE(take(p1).empty());
  EXPECT_TRUE(take(r1).empty());
  EXPECT_EQ(ctx.late_items(), 0u);
}

TEST_P(Window, SingleItem) {
  auto ctx = context();
  const std::vector<Ev> one{{5, 3, 42, 5}};
  auto t = [&] { return ctx.stream_iter(one).add_timestamps(ts_of, wm_field); };
  auto c1 = ctx.stream_iter(one).group_by(key_of).window(CountWindow::tumbling(3)).count().collect_vec();
  auto c2 = ctx.stream_iter(one).window_all(CountWindow::sliding(3, 1)).collect_vec().collect_vec();
  // sliding(10, 3): 5 is in [-3, 7), [0, 10), [3, 13).
  auto e1 = t().group_by(key_of).window(EventTimeWindow::sliding(10, 3)).count().map(stamp_keyed).drop_key().collect_vec();
  auto e2 = t().window_all(EventTimeWindow::tumbling(10)).avg(value_of).collect_vec();
  auto s1 = t().group_by(key_of).window(SessionWindow::with_gap(5)).count().map(stamp_keyed).drop_key().collect_vec();
  auto x_open = t().window_all(TransactionWindow([](const Ev&) { return TransactionOp::proceed(); })).count().collect_vec();
  auto x_after = t().window_all(TransactionWindow([](const Ev& e) { return TransactionOp::commit_after(e.ts + 100); })).count().collect_vec();
  auto r1 = t().reorder().collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(take(c1), (std::vector<std::pair<int, std::size_t>>{{3, 1}}));
  EXPECT_EQ(take(c2), (std::vector<std::vector<Ev>>{one}));
  EXPECT_EQ(sorted(take(e1)), (std::vector<Stamped>{{3, 1, 6}, {3, 1, 9}, {3, 1, 12}}));
  EXPECT_EQ(take(e2), (std::vector<double>{42.0}));
  EXPECT_EQ(take(s1), (std::vector<Stamped>{{3, 1, 9}}));
  EXPECT_TRUE(take(x_open).empty()) << "a never-committed transaction is dropped";
  EXPECT_EQ(take(x_after), (std::vector<std::size_t>{1}));
  EXPECT_EQ(take(r1), one);
  EXPECT_EQ(ctx.late_items(), 0u);
}

// ---------------------------------------------------------------------------------------------
// reorder().

TEST_P(Window, ReorderSortsTheOnTimeItems) {
  auto ctx = context();
  Script p;
  p.n = 1500;
  p.jitter = 20;
  p.lag = 12;
  p.late_p = 0.02;
  auto evs = scripted(61, p);
  for (std::size_t i = 1; i < evs.size(); i += 7) evs[i].ts = evs[i - 1].ts;  // more ties
  // The watermarks again, after the edit above.
  Timestamp max_ts = kNoWm;
  for (std::size_t i = 0; i < evs.size(); ++i) {
    max_ts = std::max(max_ts, evs[i].ts);
    evs[i].wm = i % 3 == 2 ? max_ts - p.lag : kNoWm;
  }
  auto out = ctx.stream_iter(evs).add_timestamps(ts_of, wm_field).reorder().collect_vec();
  auto stamps = ctx.stream_iter(evs)
                    .add_timestamps(ts_of, wm_field)
                    .reorder()
                    .map([](const Ev& e) { return e.ts == current_timestamp(); })
                    .collect_vec();
  ctx.execute_blocking();
  auto arr = model::apply_watermarks(evs);
  ASSERT_GT(arr.late, 0u);
  std::stable_sort(arr.ontime.begin(), arr.ontime.end(), [](const Ev& a, const Ev& b) { return a.ts < b.ts; });
  EXPECT_EQ(take(out), arr.ontime);  // exact order, ties in arrival order
  auto same = take(stamps);
  EXPECT_EQ(same.size(), arr.ontime.size());
  EXPECT_TRUE(std::all_of(same.begin(), same.end(), [](bool b) { return b; })) << "reorder keeps each item's timestamp";
  EXPECT_EQ(ctx.late_items(), 2 * arr.late);
}

// ---------------------------------------------------------------------------------------------
// Processing-time windows: invariants only.

TEST_P(Window, ProcessingTimeWindowsHoldEveryItem) {
  auto ctx = context();
  constexpr int kN = 3000;
  auto all_count = ctx.stream_par_iter(0, kN).window_all(ProcessingTimeWindow::tumbling(2ms)).count().collect_vec();
  auto all_items = ctx.stream_par_iter(0, kN).window_all(ProcessingTimeWindow::tumbling(1ms)).collect_vec().collect_vec();
  auto keyed = ctx.stream_par_iter(0, kN).group_by([](const int& x) { return x % 7; }).window(ProcessingTimeWindow::tumbling(3ms)).count().collect_vec();
  // sliding(6, 2): every item is in exactly 3 windows.
  auto sliding = ctx.stream_par_iter(0, kN).window_all(ProcessingTimeWindow::sliding(6ms, 2ms)).count().collect_vec();
  ctx.execute_blocking();
  std::size_t total = 0;
  for (std::size_t c : take(all_count)) total += c;
  EXPECT_EQ(total, std::size_t(kN));
  std::vector<int> items;
  for (auto& w : take(all_items)) {
    EXPECT_FALSE(w.empty());
    items.insert(items.end(), w.begin(), w.end());
  }
  EXPECT_EQ(sorted(items), iota(kN));
  std::map<int, std::size_t> per_key;
  for (auto& [k, c] : take(keyed)) per_key[k] += c;
  for (int k = 0; k < 7; ++k) EXPECT_EQ(per_key[k], std::size_t((kN - k + 6) / 7)) << "key " << k;
  total = 0;
  for (std::size_t c : take(sliding)) total += c;
  EXPECT_EQ(total, std::size_t(3 * kN));
}

TEST_P(Window, ProcessingTimeWindowsSplitAPause) {
  auto ctx = context();
  // The source sleeps 40 ms between two halves: a 10 ms window never holds items of both.
  auto out = ctx.stream_iter(iota(20))
                 .batch_mode(BatchMode::single())
                 .rich_map([](int x) {
                   if (x == 10) std::this_thread::sleep_for(40ms);
                   return x;
                 })
                 .window_all(ProcessingTimeWindow::tumbling(10ms))
                 .collect_vec()
                 .collect_vec();
  auto keyed = ctx.stream_iter(iota(20))
                   .batch_mode(BatchMode::single())
                   .rich_map([](int x) {
                     if (x == 10) std::this_thread::sleep_for(40ms);
                     return x;
                   })
                   .group_by([](const int& x) { return x % 2; })
                   .window(ProcessingTimeWindow::tumbling(10ms))
                   .collect_vec()
                   .collect_vec();
  ctx.execute_blocking();
  auto windows = take(out);
  EXPECT_GE(windows.size(), 2u);
  std::vector<int> items;
  for (auto& w : windows) {
    EXPECT_TRUE(std::all_of(w.begin(), w.end(), [](int x) { return x < 10; }) ||
                std::all_of(w.begin(), w.end(), [](int x) { return x >= 10; }))
        << "a window holds items of both halves";
    items.insert(items.end(), w.begin(), w.end());
  }
  EXPECT_EQ(sorted(items), iota(20));
  items.clear();
  for (auto& [k, w] : take(keyed)) {
    EXPECT_TRUE(std::all_of(w.begin(), w.end(), [](int x) { return x < 10; }) ||
                std::all_of(w.begin(), w.end(), [](int x) { return x >= 10; }))
        << "a window of key " << k << " holds items of both halves";
    for (int x : w) EXPECT_EQ(x % 2, k);
    items.insert(items.end(), w.begin(), w.end());
  }
  EXPECT_EQ(sorted(items), iota(20));
}

// ---------------------------------------------------------------------------------------------
// Cascading windows: results stamped end - 1 land in the same window downstream.

TEST_P(Window, CascadedEventTimeWindows) {
  auto ctx = context();
  Script p;
  p.n = 1200;
  p.keys = 7;
  p.origin = -400;
  p.jitter = 9;
  p.lag = 9;
  p.late_p = 0.02;
  const auto evs = scripted(71, p);
  auto counts = [&] {
    return ctx.stream_iter(evs).add_timestamps(ts_of, wm_field).group_by(key_of).window(EventTimeWindow::tumbling(10)).count().drop_key();
  };
  auto max = counts().window_all(EventTimeWindow::tumbling(10)).max().collect_vec();
  auto total = counts().window_all(EventTimeWindow::tumbling(10)).sum().map(stamp_all).collect_vec();
  // Sliding first level: a result stamped s + 19 goes to the downstream window starting s + 10.
  auto sliding = ctx.stream_iter(evs)
                     .add_timestamps(ts_of, wm_field)
                     .group_by(key_of)
                     .window(EventTimeWindow::sliding(20, 10))
                     .count()
                     .drop_key()
                     .window_all(EventTimeWindow::tumbling(10))
                     .count()
                     .collect_vec();
  ctx.execute_blocking();
  const auto arr = model::apply_watermarks(evs);
  ASSERT_GT(arr.late, 0u);
  std::map<Timestamp, std::size_t> per_window_max, per_window_total;
  for (const auto& [id, items] : model::time_windows(arr.ontime, 10, 10, true)) {
    per_window_max[id.second] = std::max(per_window_max[id.second], items.size());
    per_window_total[id.second] += items.size();
  }
  std::vector<std::size_t> expect_max;
  std::vector<Stamped> expect_total;
  for (auto& [s, m] : per_window_max) expect_max.push_back(m);
  for (auto& [s, t] : per_window_total) expect_total.push_back({0, t, s + 9});
  EXPECT_EQ(sorted(take(max)), sorted(expect_max));
  EXPECT_EQ(sorted(take(total)), sorted(expect_total));
  std::map<Timestamp, std::size_t> per_down;
  for (const auto& [id, items] : model::time_windows(arr.ontime, 20, 10, true)) ++per_down[id.second + 10];
  std::vector<std::size_t> expect_sliding;
  for (auto& [s, c] : per_down) expect_sliding.push_back(c);
  EXPECT_EQ(sorted(take(sliding)), sorted(expect_sliding));
  EXPECT_EQ(ctx.late_items(), 3 * arr.late) << "the second level sees no late item";
}

// ---------------------------------------------------------------------------------------------
// Errors.

TEST_P(Window, Errors) {
  auto ctx = context();
  auto plain = ctx.stream_iter(std::vector<Ev>{{1, 0, 0, kNoWm}});
  EXPECT_THROW(plain.window_all(EventTimeWindow::tumbling(5)).count(), std::logic_error);
  EXPECT_THROW(plain.group_by(key_of).window(EventTimeWindow::sliding(5, 2)).collect_vec(), std::logic_error);
  EXPECT_THROW(plain.add_timestamps(ts_of, wm_field).drop_timestamps().window_all(EventTimeWindow::tumbling(5)).sum(value_of),
               std::logic_error);
  EXPECT_THROW(plain.reorder(), std::logic_error);
  EXPECT_THROW(CountWindow::sliding(0, 1), std::invalid_argument);
  EXPECT_THROW(CountWindow::sliding(1, 0), std::invalid_argument);
  EXPECT_THROW(CountWindow::tumbling(0), std::invalid_argument);
  EXPECT_THROW(EventTimeWindow::sliding(0, 1), std::invalid_argument);
  EXPECT_THROW(EventTimeWindow::tumbling(-3), std::invalid_argument);
  EXPECT_THROW(ProcessingTimeWindow::tumbling(0ms), std::invalid_argument);
  EXPECT_THROW(SessionWindow::with_gap(0), std::invalid_argument);
  EXPECT_NO_THROW(CountWindow::sliding(1, 1));
}

}  // namespace
}  // namespace renoir::test
