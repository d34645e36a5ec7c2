// A shuffle-heavy job for the distributed tests: every item crosses an exchange twice.
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <string>
#include <utility>

#include <renoir/renoir.hpp>

int main(int argc, char** argv) {
  auto [config, args] = renoir::RuntimeConfig::from_args(argc, argv);
  config.spawn_remote_workers();
  const std::uint64_t n = args.size() > 1 ? std::stoull(args[1]) : 2'000'000;
  try {
    renoir::StreamContext ctx(config);
    auto sums = ctx.stream_par_iter<std::uint64_t>(0, n)
                    .map([](std::uint64_t x) { return std::to_string((x * 2654435761u) % 1000003); })
                    .shuffle()
                    .group_by([](const std::string& s) { return s.back(); })
                    .fold(std::uint64_t{0}, [](std::uint64_t& acc, std::string s) { acc += std::stoull(s); })
                    .collect_vec();
    ctx.execute_blocking();
    if (auto r = sums.get()) {
      std::sort(r->begin(), r->end());
      for (auto& [digit, sum] : *r) std::cout << digit << ' ' << sum << '\n';
    }
  } catch (const std::exception& e) {
    std::cerr << "shuffle_job: error: " << e.what() << '\n';
    return 1;
  }
}
