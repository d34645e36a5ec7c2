// Event time: timestamps and watermarks through exchanges, split, merge, zip, joins; reorder.
#include "test_util.hpp"

#include <optional>

namespace renoir::test {
namespace {

RENOIR_PAR_SUITE(EventTime);

std::optional<Timestamp> every10(const int& x, Timestamp t) {
  if (x % 10 == 9) return t + 1;
  return std::nullopt;
}

TEST_P(EventTime, SmokeWindows) {
  auto ctx = context();
  std::vector<int> xs;
  for (int i = 0; i < 100; ++i) xs.push_back(i);
  auto s = ctx.stream_iter(xs).add_timestamps([](const int& x) { return Timestamp(x); }, every10);
  auto sp = s.shuffle().split(2);
  auto a = sp[0].group_by([](const int& x) { return x % 3; }).window(EventTimeWindow::sliding(20, 10)).count().collect_vec();
  auto b = sp[1].window_all(CountWindow::tumbling(30)).sum().collect_vec();
  ctx.execute_blocking();
  auto av = sorted(take(a));
  EXPECT_EQ(av.size(), 33u);
  EXPECT_EQ(ctx.late_items(), 0u);
  // Count windows follow arrival order, which a shuffle makes parallelism-dependent: only the
  // total is fixed, and the last window is the remainder of 100 = 3 * 30 + 10.
  auto bv = take(b);
  ASSERT_EQ(bv.size(), 4u);
  int total = 0;
  for (int v : bv) total += v;
  EXPECT_EQ(total, 4950);
}

}  // namespace
}  // namespace renoir::test

namespace renoir::test {
namespace {

/// (ts, key, value) items with timestamps in order, a watermark after every item.
struct Ev {
  Timestamp ts;
  int key;
  int value;
};
std::vector<Ev> events(int n, int keys, int step, int offset) {
  std::vector<Ev> v;
  for (int i = 0; i < n; ++i) v.push_back({Timestamp(i) * step + offset, i % keys, i});
  return v;
}
auto ev_ts = [](const Ev& e) { return e.ts; };
auto ev_wm = [](const Ev&, Timestamp t) -> std::optional<Timestamp> { return t; };

/// Model of a tumbling event-time count per key: (key, window_end-1 stamp) -> count.
std::vector<std::pair<int, std::size_t>> model_tumbling_count(const std::vector<Ev>& evs, Timestamp size) {
  std::map<std::pair<Timestamp, int>, std::size_t> m;
  for (const Ev& e : evs) ++m[{windows::floor_to(e.ts, size), e.key}];
  std::vector<std::pair<int, std::size_t>> out;
  for (auto& [wk, c] : m) out.emplace_back(wk.second, c);
  return sorted(out);
}

TEST_P(EventTime, WatermarksCrossMergeAndSplit) {
  auto ctx = context();
  auto a = events(300, 5, 2, 0);
  auto b = events(200, 5, 3, 1);
  auto sa = ctx.stream_iter(a).add_timestamps(ev_ts, ev_wm).shuffle();
  auto sb = ctx.stream_iter(b).add_timestamps(ev_ts, ev_wm);
  auto parts = sa.merge(sb).split(2);
  auto out0 = parts[0].group_by([](const Ev& e) { return e.key; }).window(EventTimeWindow::tumbling(50)).count().collect_vec();
  auto out1 = parts[1].window_all(EventTimeWindow::tumbling(100)).count().collect_vec();
  ctx.execute_blocking();
  auto all = a;
  all.insert(all.end(), b.begin(), b.end());
  EXPECT_EQ(sorted(take(out0)), model_tumbling_count(all, 50));
  std::vector<std::size_t> per100;
  for (auto& [k, c] : model_tumbling_count([&] { auto x = all; for (auto& e : x) e.key = 0; return x; }(), 100))
    per100.push_back(c);
  EXPECT_EQ(sorted(take(out1)), sorted(per100));
  EXPECT_EQ(ctx.late_items(), 0u);
}

TEST_P(EventTime, WindowsCloseBeforeTheEndWhenTheWatermarkPasses) {
  // A window result must come out while the stream runs: inspect sees the result of window
  // [0, 10) before the source's last item passes.
  auto ctx = context();
  std::vector<Ev> evs = events(2000, 1, 1, 0);
  auto out = ctx.stream_iter(evs)
                 .add_timestamps(ev_ts, ev_wm)
                 .window_all(EventTimeWindow::tumbling(10))
                 .count()
                 .collect_vec();
  ctx.execute_blocking();
  auto v = take(out);
  EXPECT_EQ(v.size(), 200u);
  for (std::size_t c : v) EXPECT_EQ(c, 10u);
}

TEST_P(EventTime, ZipAndJoinKeepTimestampsAndWatermarks) {
  auto ctx = context();
  auto a = events(100, 4, 10, 0);  // ts 0, 10, ..., 990
  auto b = events(100, 4, 10, 5);  // ts 5, 15, ..., 995
  auto sa = ctx.stream_iter(a).add_timestamps(ev_ts, ev_wm);
  auto sb = ctx.stream_iter(b).add_timestamps(ev_ts, ev_wm);
  auto pa = sa.split(2);
  auto pb = sb.split(2);
  // zip pairs the i-th items (one replica each side): stamped with the later one, ts 10i + 5.
  auto zipped = pa[0].zip(pb[0]).window_all(EventTimeWindow::tumbling(100)).count().collect_vec();
  // join on value: item i with item i, stamped 10i + 5 too.
  auto joined = pa[1].join(pb[1], [](const Ev& e) { return e.value; }, [](const Ev& e) { return e.value; })
                    .unkey()
                    .window_all(EventTimeWindow::tumbling(100))
                    .count()
                    .collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(take(zipped), std::vector<std::size_t>(10, 10));
  EXPECT_EQ(take(joined), std::vector<std::size_t>(10, 10));
}

TEST_P(EventTime, IntervalJoinMatchesTheBruteForce) {
  auto ctx = context();
  auto a = events(300, 7, 3, 0);
  auto b = events(250, 7, 4, 2);
  const Timestamp lower = 5, upper = 9;
  auto ka = ctx.stream_iter(a).add_timestamps(ev_ts, ev_wm).shuffle().key_by([](const Ev& e) { return e.key; });
  auto kb = ctx.stream_iter(b).add_timestamps(ev_ts, ev_wm).key_by([](const Ev& e) { return e.key; });
  auto out = ka.interval_join(kb, lower, upper)
                 .map([](const int&, const std::pair<Ev, Ev>& p) { return std::pair(p.first.value, p.second.value); })
                 .drop_key()
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<std::pair<int, int>> expect;
  for (const Ev& x : a)
    for (const Ev& y : b)
      if (x.key == y.key && y.ts >= x.ts - lower && y.ts <= x.ts + upper) expect.emplace_back(x.value, y.value);
  EXPECT_EQ(sorted(take(out)), sorted(expect));
  EXPECT_EQ(ctx.late_items(), 0u);
}

TEST_P(EventTime, WindowJoinPairsItemsOfTheSameWindowAndKey) {
  auto ctx = context();
  auto a = events(200, 3, 3, 0);
  auto b = events(150, 3, 4, 1);
  auto ka = ctx.stream_iter(a).add_timestamps(ev_ts, ev_wm).group_by([](const Ev& e) { return e.key; });
  auto kb = ctx.stream_iter(b).add_timestamps(ev_ts, ev_wm).group_by([](const Ev& e) { return e.key; });
  auto out = ka.window_join(kb, EventTimeWindow::tumbling(40))
                 .map([](const int&, const std::pair<Ev, Ev>& p) { return std::pair(p.first.value, p.second.value); })
                 .drop_key()
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<std::pair<int, int>> expect;
  for (const Ev& x : a)
    for (const Ev& y : b)
      if (x.key == y.key && windows::floor_to(x.ts, 40) == windows::floor_to(y.ts, 40)) expect.emplace_back(x.value, y.value);
  EXPECT_EQ(sorted(take(out)), sorted(expect));
}

TEST_P(EventTime, LateItemsAreCountedAndDropped) {
  auto ctx = context();
  // Watermark 100 after the item at 100, then items at 50 and 60 (late) and 120.
  std::vector<Ev> evs{{10, 0, 1}, {100, 0, 2}, {50, 0, 3}, {60, 0, 4}, {120, 0, 5}};
  auto out = ctx.stream_iter(evs)
                 .add_timestamps(ev_ts, [](const Ev& e, Timestamp t) -> std::optional<Timestamp> {
                   if (e.value == 2) return t;
                   return std::nullopt;
                 })
                 .group_by([](const Ev& e) { return e.key; })
                 .window(EventTimeWindow::tumbling(100))
                 .sum([](const Ev& e) { return e.value; })
                 .drop_key()
                 .collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(out)), (std::vector<int>{1, 7}));
  EXPECT_EQ(ctx.late_items(), 2u);
}

TEST_P(EventTime, DropTimestampsRemovesEventTime) {
  auto ctx = context();
  auto s = ctx.stream_iter(events(10, 1, 1, 0)).add_timestamps(ev_ts, ev_wm).drop_timestamps();
  EXPECT_THROW(s.window_all(EventTimeWindow::tumbling(5)).count(), std::logic_error);
}

}  // namespace
}  // namespace renoir::test
