// nexmark_reference: Nexmark q0..q8 by hand, single-threaded (bench/handwritten_nexmark.hpp):
// the oracle of the Nexmark tests and the benchmark baseline. Prints what examples/nexmark
// prints: `q<Q> rows=<n> checksum=<16 hex>`, and with --rows every row, sorted.
//
// Usage: nexmark_reference --events E --query Q [--seed S] [--rows]
// Bad arguments: a message on stderr, exit 2. The elapsed time goes to stderr.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include "args.hpp"
#include "handwritten_nexmark.hpp"

namespace {

int usage(const std::string& why) {
  std::cerr << "nexmark_reference: " << why << "\n"
            << "usage: nexmark_reference --events E --query Q [--seed S] [--rows]\n"
            << "  E > 0 events, Q in 0..8; prints 'q<Q> rows=<n> checksum=<hex>', and with --rows every row, sorted\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t events = 0, seed = 42;
  int query = -1;
  bool rows = false, have_events = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--rows") {
      rows = true;
      continue;
    }
    if (a != "--events" && a != "--query" && a != "--seed") return usage("unknown argument '" + a + "'");
    if (i + 1 >= argc) return usage(a + " needs a value");
    const std::string v = argv[++i];
    if (a == "--events") {
      if (!examples::parse_count(v, events) || events == 0)
        return usage("--events expects a positive integer, not '" + v + "'");
      have_events = true;
    } else if (a == "--query") {
      if (!examples::parse_count(v, query) || query > 8) return usage("--query expects 0..8, not '" + v + "'");
    } else if (!examples::parse_count(v, seed)) {
      return usage("--seed expects a non-negative integer, not '" + v + "'");
    }
  }
  if (!have_events) return usage("--events is required");
  if (query < 0) return usage("--query is required");
  try {
    const auto start = std::chrono::steady_clock::now();
    const auto r = nexmark::handwritten::run(query, events, seed, rows);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    nexmark::print(std::cout, query, r.summary, rows ? &r.rows : nullptr);
    std::fprintf(stderr, "elapsed: %.3f s\n", secs);
  } catch (const std::exception& e) {
    std::cerr << "nexmark_reference: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
