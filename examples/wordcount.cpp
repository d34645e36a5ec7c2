// Word count: the lines of a file, split into words, counted per word (group_by_count).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include <renoir/renoir.hpp>

#include "args.hpp"
#include "words.hpp"

int main(int argc, char** argv) {
  auto [config, args] = renoir::RuntimeConfig::from_args(argc, argv);
  std::size_t top = 0;
  if ((args.size() != 2 && !(args.size() == 4 && args[2] == "--top")) ||
      (args.size() == 4 && !examples::parse_count(args[3], top))) {
    std::cerr << "usage: " << args[0] << " (--local N | --remote CONFIG) FILE [--top K]\n";
    return 2;
  }
  try {
    config.spawn_remote_workers();  // remote: start the job on every host and exit; local: no-op
    const auto start = std::chrono::steady_clock::now();
    renoir::StreamContext ctx(config);
    auto counts = ctx.stream_file(args.at(1))
                      .flat_map(examples::tokenize)
                      .group_by_count([](std::string_view w) { return w; })  // keys kept as std::string
                      .collect_vec();
    ctx.execute_blocking();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto result = counts.get();
    if (!result) return 0;  // not the collecting host
    if (args.size() == 4) {  // the K most frequent words, then the time
      const std::size_t k = std::min(top, result->size());
      std::partial_sort(result->begin(), result->begin() + static_cast<std::ptrdiff_t>(k), result->end(),
                        [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
      result->resize(k);
    }
    std::string out;
    for (auto& [word, n] : *result) out += word + ' ' + std::to_string(n) + '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
    if (args.size() == 4) std::fprintf(stderr, "elapsed: %.3f s\n", secs);
  } catch (const std::exception& e) {
    std::cerr << args[0] << ": error: " << e.what() << '\n';
    return 1;
  } catch (...) {
    std::cerr << args[0] << ": error: an exception that is not a std::exception\n";
    return 1;
  }
}
