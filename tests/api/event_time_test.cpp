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
