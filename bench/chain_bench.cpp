// chain_bench: ns per item of a fused map -> filter -> map chain run by the engine at
// RuntimeConfig::local(1), next to the same chain as a plain for loop, in the same run.
//
// The engine job is stream_par_iter<uint64_t>(0, N).map(x*3+1).filter(x%7!=0).map(x^(x>>3))
// folded into a sum (fold_assoc), N = 50M by default (--chain_n=N to change it) so that
// thread start-up and job set-up are negligible. Both versions compute the same sum, which is
// checked. After the Google Benchmark table a `chain ...` line gives both figures and the ratio
// (medians over --benchmark_repetitions, if given).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <renoir/renoir.hpp>

#include "summary_reporter.hpp"

namespace {

std::uint64_t g_n = 50'000'000;

// Non-trivial enough that nothing folds into a closed form; the same callables in both versions.
constexpr auto kMap1 = [](std::uint64_t x) { return x * 3 + 1; };
constexpr auto kKeep = [](std::uint64_t x) { return x % 7 != 0; };
constexpr auto kMap2 = [](std::uint64_t x) { return x ^ (x >> 3); };

/// The sum of a stream of integers, folded per replica then combined.
template <class S>
auto sum_of(S s) {
  return s
      .fold_assoc(
          std::uint64_t{0}, [](std::uint64_t& acc, std::uint64_t x) { acc += x; },
          [](std::uint64_t& acc, std::uint64_t part) { acc += part; })
      .collect_vec();
}

std::uint64_t g_loop_sum = 0;
bool g_loop_sum_known = false;

__attribute__((noinline)) std::uint64_t plain_loop(std::uint64_t n) {
  std::uint64_t sum = 0;
  for (std::uint64_t x = 0; x < n; ++x) {
    const std::uint64_t y = kMap1(x);
    if (kKeep(y)) sum += kMap2(y);
  }
  return sum;
}

std::uint64_t engine_chain(std::uint64_t n) {
  renoir::StreamContext ctx(renoir::RuntimeConfig::local(1));
  auto out = sum_of(ctx.stream_par_iter<std::uint64_t>(0, n).map(kMap1).filter(kKeep).map(kMap2));
  ctx.execute_blocking();
  auto r = out.get();
  return r && r->size() == 1 ? r->front() : ~std::uint64_t{0};
}

// The same chain across an exchange (a shuffle at local(2)), without and with event time: the
// cost of timestamps to a job is only in the timestamped one (a stamp per item in its batches).
template <bool timestamped>
std::uint64_t engine_exchange(std::uint64_t n) {
  renoir::StreamContext ctx(renoir::RuntimeConfig::local(2));
  auto src = ctx.stream_par_iter<std::uint64_t>(0, n).map(kMap1);
  const auto rest = [](auto s) {
    return sum_of(s.shuffle().filter(kKeep).map(kMap2));
  };
  auto out = [&] {
    if constexpr (timestamped) {
      return rest(src.add_timestamps([](std::uint64_t x) { return static_cast<renoir::Timestamp>(x); },
                                     renoir::BoundedOutOfOrder{0, 1024}));
    } else {
      return rest(src);
    }
  }();
  ctx.execute_blocking();
  auto r = out.get();
  return r && r->size() == 1 ? r->front() : ~std::uint64_t{0};
}

template <bool timestamped>
void BM_ChainExchange(benchmark::State& state) {
  const std::uint64_t n = g_n / 5;
  const std::uint64_t expected = plain_loop(n);
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t sum = engine_exchange<timestamped>(n);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (sum != expected) {
      state.SkipWithError("engine sum differs from the plain loop's");
      return;
    }
  }
  state.counters["ns/item"] = seconds * 1e9 / (static_cast<double>(n) * static_cast<double>(state.iterations()));
}

void BM_ChainLoop(benchmark::State& state) {
  std::uint64_t n = g_n;
  double seconds = 0;
  std::uint64_t sum = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(n);  // n is opaque: no constant folding of the whole loop
    const auto t0 = std::chrono::steady_clock::now();
    sum = plain_loop(n);
    benchmark::DoNotOptimize(sum);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  g_loop_sum = sum;
  g_loop_sum_known = true;
  const double items = static_cast<double>(n) * static_cast<double>(state.iterations());
  state.counters["ns/item"] = seconds * 1e9 / items;
  state.counters["items/s"] = benchmark::Counter(items, benchmark::Counter::kIsRate);
}

void BM_ChainEngine(benchmark::State& state) {
  const std::uint64_t n = g_n;
  const std::uint64_t expected = g_loop_sum_known ? g_loop_sum : plain_loop(n);
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t sum = engine_chain(n);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(sum);
    if (sum != expected) {
      state.SkipWithError("engine sum differs from the plain loop's");
      return;
    }
  }
  const double items = static_cast<double>(n) * static_cast<double>(state.iterations());
  state.counters["ns/item"] = seconds * 1e9 / items;
  state.counters["items/s"] = benchmark::Counter(items, benchmark::Counter::kIsRate);
}

BENCHMARK(BM_ChainLoop)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ChainEngine)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ChainExchange<false>)->Name("BM_ChainExchange")->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ChainExchange<true>)->Name("BM_ChainExchangeTimestamped")->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  // Our own flag, taken out before Google Benchmark sees the arguments.
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--chain_n=", 10) == 0) {
      g_n = std::strtoull(argv[i] + 10, nullptr, 10);
      if (g_n == 0) {
        std::fprintf(stderr, "chain_bench: --chain_n must be positive\n");
        return 2;
      }
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::printf("# chain_bench: N=%llu items per run\n", static_cast<unsigned long long>(g_n));
  std::fflush(stdout);
  renoir::bench::SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  std::fflush(stdout);
  const double engine_ns = reporter.median("BM_ChainEngine", "", "ns/item");
  const double loop_ns = reporter.median("BM_ChainLoop", "", "ns/item");
  if (engine_ns > 0 || loop_ns > 0) {
    std::printf("\nchain engine_ns_per_item=%.3f loop_ns_per_item=%.3f", engine_ns, loop_ns);
    if (engine_ns > 0 && loop_ns > 0) std::printf(" ratio=%.3f", engine_ns / loop_ns);
    std::printf("\n");
    if (engine_ns > 0)
      std::printf("chain target engine_ns_per_item=%.3f target=2 %s\n", engine_ns, engine_ns <= 2 ? "met" : "missed");
  }
  const double plain_x = reporter.median("BM_ChainExchange", "", "ns/item");
  const double stamped_x = reporter.median("BM_ChainExchangeTimestamped", "", "ns/item");
  if (plain_x > 0 && stamped_x > 0)
    std::printf("chain exchange ns_per_item=%.3f timestamped_ns_per_item=%.3f ratio=%.3f\n", plain_x, stamped_x,
                stamped_x / plain_x);
  return 0;
}
