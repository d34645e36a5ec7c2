// Collatz: the number below N with the longest Collatz sequence (ties: the smallest number).
#include <cstdint>
#include <iostream>
#include <string>
#include <utility>

#include <renoir/renoir.hpp>

#include "args.hpp"

namespace {
std::uint64_t collatz_steps(std::uint64_t n) {
  std::uint64_t steps = 0;
  while (n != 1) {
    n = (n % 2 == 0) ? n / 2 : 3 * n + 1;
    ++steps;
  }
  return steps;
}
}  // namespace

int main(int argc, char** argv) {
  auto [config, args] = renoir::RuntimeConfig::from_args(argc, argv);
  std::uint64_t limit = 1'000'000;
  const char* problem = nullptr;
  if (args.size() > 2)
    problem = "too many arguments";
  else if (args.size() == 2 && !examples::parse_count(args[1], limit))
    problem = "N is not a number";
  else if (limit < 2)
    problem = "N must be at least 2";
  if (problem) {
    std::cerr << "usage: " << args[0] << " (--local N | --remote CONFIG) [N >= 2]  (" << problem << ")\n";
    return 2;
  }
  try {
    config.spawn_remote_workers();  // remote: start the job on every host and exit; local: no-op
    using Best = std::pair<std::uint64_t, std::uint64_t>;  // (steps, number)
    renoir::StreamContext ctx(config);
    auto best = ctx.stream_par_iter<std::uint64_t>(1, limit)
                    .map([](std::uint64_t n) { return Best(collatz_steps(n), n); })
                    .reduce_assoc([](Best a, Best b) {
                      return (b.first > a.first || (b.first == a.first && b.second < a.second)) ? b : a;
                    })
                    .collect_vec();
    ctx.execute_blocking();
    if (auto r = best.get(); r && !r->empty())
      std::cout << "below " << limit << ": " << r->front().second << " takes " << r->front().first << " steps\n";
  } catch (const std::exception& e) {
    std::cerr << args[0] << ": error: " << e.what() << '\n';
    return 1;
  } catch (...) {
    std::cerr << args[0] << ": error: an exception that is not a std::exception\n";
    return 1;
  }
}
