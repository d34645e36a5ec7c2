// Minimal job compiled against the installed package: sums and counts 0..999.
#include <cstdint>
#include <iostream>

#include <renoir/renoir.hpp>

int main(int argc, char** argv) {
  auto [config, args] = renoir::RuntimeConfig::from_args(argc, argv);
  config.spawn_remote_workers();  // remote: start the job on every host and exit; local: no-op
  renoir::StreamContext ctx(config);
  auto sum = ctx.stream_par_iter<std::uint64_t>(0, 1000).reduce_assoc([](std::uint64_t a, std::uint64_t b) { return a + b; }).collect_vec();
  auto count = ctx.stream_par_iter<std::uint64_t>(0, 1000).collect_count();
  ctx.execute_blocking();
  std::cout << "sum=" << sum.get()->at(0) << " count=" << *count.get() << "\n";
}
