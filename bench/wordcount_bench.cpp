// wordcount_bench: macro benchmark of the engine's word count against a hand-written one.
//
// Usage: wordcount_bench CORPUS [--threads N] [--repeat R]   (defaults: 2 threads, 3 repeats)
//
// Runs the word count job exactly as examples/wordcount.cpp does (stream_file, flat_map with
// examples::tokenize, group_by_count, collect_vec) at RuntimeConfig::local(N), and
// handwritten_wordcount(path, N) from handwritten_wordcount.hpp. One warm-up of each (it also
// fills the page cache), then R alternating timed runs of each. Both must produce identical
// counts (exit status 1 otherwise). Result lines start with "wordcount " and are key=value:
//   wordcount engine_median_s=0.61 engine_min_s=... handwritten_median_s=0.62 handwritten_min_s=... ratio=0.98
// (ratio = engine median / hand-written median; below 1 the engine is faster).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <renoir/renoir.hpp>

#include "bench_util.hpp"
#include "handwritten_wordcount.hpp"
#include "words.hpp"  // examples/words.hpp: the tokenizer of the examples

namespace {

using Clock = std::chrono::steady_clock;
using renoir::bench::WordCounts;

/// The job of examples/wordcount.cpp, minus printing.
std::vector<std::pair<std::string, std::size_t>> engine_wordcount(const std::string& path, std::size_t threads) {
  renoir::StreamContext ctx(renoir::RuntimeConfig::local(threads));
  auto counts = ctx.stream_file(path)
                    .flat_map(examples::tokenize)
                    .group_by_count([](std::string_view w) { return w; })
                    .collect_vec();
  ctx.execute_blocking();
  auto result = counts.get();
  if (!result) throw std::runtime_error("engine produced no result");
  std::vector<std::pair<std::string, std::size_t>> out;
  out.reserve(result->size());
  for (auto& [word, n] : *result) out.emplace_back(std::move(word), static_cast<std::size_t>(n));
  return out;
}

/// Empty if equal, else a description of the first difference found.
std::string compare(const std::vector<std::pair<std::string, std::size_t>>& engine, const WordCounts& hand) {
  if (engine.size() != hand.size())
    return "distinct words differ: engine " + std::to_string(engine.size()) + ", hand-written " +
           std::to_string(hand.size());
  WordCounts seen;
  seen.reserve(engine.size());
  for (const auto& [word, n] : engine) {
    if (!seen.emplace(word, n).second) return "engine reports \"" + word + "\" twice";
    auto it = hand.find(word);
    if (it == hand.end()) return "\"" + word + "\" only in the engine's result";
    if (it->second != n)
      return "\"" + word + "\": engine " + std::to_string(n) + ", hand-written " + std::to_string(it->second);
  }
  return {};
}

std::uint64_t total_words(const WordCounts& c) {
  std::uint64_t t = 0;
  for (const auto& [w, n] : c) t += n;
  return t;
}

double min_of(const std::vector<double>& v) {
  double m = v.empty() ? 0 : v.front();
  for (double x : v) m = std::min(m, x);
  return m;
}

int usage(const char* argv0) {
  std::fprintf(stderr, "usage: %s CORPUS [--threads N] [--repeat R]   (defaults: 2, 3)\n", argv0);
  return 2;
}

bool parse_positive(const char* s, std::size_t& out) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (end == s || *end != '\0' || v == 0) return false;
  out = static_cast<std::size_t>(v);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  std::size_t threads = 2, repeat = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if ((a == "--threads" || a == "--repeat") && i + 1 < argc) {
      if (!parse_positive(argv[++i], a == "--threads" ? threads : repeat)) return usage(argv[0]);
    } else if (a == "-h" || a == "--help") {
      usage(argv[0]);
      return 0;
    } else if (!a.empty() && a[0] != '-' && path.empty()) {
      path = a;
    } else {
      return usage(argv[0]);
    }
  }
  if (path.empty()) return usage(argv[0]);

  try {
    auto time = [](auto&& f) {
      const auto t0 = Clock::now();
      auto r = f();
      return std::pair{std::chrono::duration<double>(Clock::now() - t0).count(), std::move(r)};
    };
    auto run_engine = [&] { return engine_wordcount(path, threads); };
    auto run_hand = [&] { return renoir::bench::handwritten_wordcount(path, static_cast<unsigned>(threads)); };

    // Warm-up (page cache, allocator, hwloc topology), and the correctness check.
    auto [we, engine_result] = time(run_engine);
    auto [wh, hand_result] = time(run_hand);
    if (const std::string diff = compare(engine_result, hand_result); !diff.empty()) {
      std::printf("wordcount check=FAILED %s\n", diff.c_str());
      std::fprintf(stderr, "wordcount_bench: results differ: %s\n", diff.c_str());
      return 1;
    }
    std::printf("wordcount corpus=%s threads=%zu repeat=%zu words=%llu distinct=%zu check=ok\n", path.c_str(), threads,
                repeat, static_cast<unsigned long long>(total_words(hand_result)), hand_result.size());
    std::printf("wordcount warmup engine_s=%.3f handwritten_s=%.3f\n", we, wh);
    std::fflush(stdout);

    std::vector<double> engine_s, hand_s;
    for (std::size_t r = 0; r < repeat; ++r) {
      auto [te, e] = time(run_engine);
      auto [th, h] = time(run_hand);
      if (e.size() != hand_result.size() || h.size() != hand_result.size()) {
        std::printf("wordcount check=FAILED run %zu: distinct words changed between runs\n", r + 1);
        return 1;
      }
      engine_s.push_back(te);
      hand_s.push_back(th);
      std::printf("wordcount run=%zu engine_s=%.3f handwritten_s=%.3f\n", r + 1, te, th);
      std::fflush(stdout);
    }
    const double em = renoir::bench::median(engine_s), hm = renoir::bench::median(hand_s);
    std::printf("wordcount engine_median_s=%.3f engine_min_s=%.3f handwritten_median_s=%.3f handwritten_min_s=%.3f "
                "ratio=%.3f\n",
                em, min_of(engine_s), hm, min_of(hand_s), hm > 0 ? em / hm : 0.0);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wordcount_bench: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
