// nexmark_reference: Nexmark q0..q8 by hand, single-threaded (bench/handwritten_nexmark.hpp),
// printing what examples/nexmark prints: `q<Q> rows=<n> checksum=<hex>`, and the rows with --rows.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "../examples/args.hpp"
#include "../bench/handwritten_nexmark.hpp"

int main(int argc, char** argv) {
  std::uint64_t events = 0, seed = 42;
  int query = -1;
  bool rows = false, ok = true;
  for (int i = 1; i < argc && ok; ++i) {
    const std::string a = argv[i];
    if (a == "--rows") rows = true;
    else if (a == "--events" && i + 1 < argc) ok = examples::parse_count(argv[++i], events) && events > 0;
    else if (a == "--seed" && i + 1 < argc) ok = examples::parse_count(argv[++i], seed);
    else if (a == "--query" && i + 1 < argc) ok = examples::parse_count(argv[++i], query) && query <= 8;
    else ok = false;
  }
  if (!ok || events == 0 || query < 0) {
    std::cerr << "usage: nexmark_reference --events E --query Q [--seed S] [--rows]   (Q in 0..8)\n";
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  const auto r = nexmark::handwritten::run(query, events, seed, rows);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  nexmark::print(std::cout, query, r.summary, rows ? &r.rows : nullptr);
  std::fprintf(stderr, "elapsed: %.3f s\n", secs);
  return 0;
}
