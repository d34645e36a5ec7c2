// Word count in group_by_reduce style: (word, 1) pairs reduced per word with pre-aggregation.
#include <cstdio>
#include <iostream>
#include <string>
#include <utility>

#include <renoir/renoir.hpp>

#include "words.hpp"

int main(int argc, char** argv) {
  auto [config, args] = renoir::RuntimeConfig::from_args(argc, argv);
  if (args.size() != 2) {
    std::cerr << "usage: " << args[0] << " (--local N | --remote CONFIG) FILE\n";
    return 2;
  }
  try {
    config.spawn_remote_workers();  // remote: start the job on every host and exit; local: no-op
    renoir::StreamContext ctx(config);
    using Count = std::pair<std::string, std::size_t>;
    auto counts = ctx.stream_file(args[1])
                      .flat_map(examples::tokenize)
                      .map([](std::string_view w) { return Count(w, 1); })
                      .group_by_reduce([](const Count& c) { return c.first; },
                                       [](Count& acc, Count c) { acc.second += c.second; })
                      .map([](const std::string&, Count c) { return c.second; })
                      .collect_vec();
    ctx.execute_blocking();
    if (auto result = counts.get()) {
      std::string out;
      for (auto& [word, n] : *result) out += word + ' ' + std::to_string(n) + '\n';
      std::fwrite(out.data(), 1, out.size(), stdout);
    }
  } catch (const std::exception& e) {
    std::cerr << args[0] << ": error: " << e.what() << '\n';
    return 1;
  } catch (...) {
    std::cerr << args[0] << ": error: an exception that is not a std::exception\n";
    return 1;
  }
}
