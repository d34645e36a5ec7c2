// Windowed word count: per word, its count in every sliding window of lines of a file.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <tuple>
#include <vector>

#include <renoir/renoir.hpp>

#include "args.hpp"
#include "windowed_words.hpp"

int main(int argc, char** argv) {
  auto [config, args] = renoir::RuntimeConfig::from_args(argc, argv);
  std::int64_t size = 0, slide = 0;
  if (args.size() != 4 || !examples::parse_count(args[2], size) || !examples::parse_count(args[3], slide) || size == 0 ||
      slide == 0) {
    std::cerr << "usage: " << args[0] << " (--local N | --remote CONFIG) FILE WINDOW_LINES SLIDE_LINES\n"
              << "prints 'window_end word count' for every word of every window of lines [s, s + WINDOW_LINES)\n";
    return 2;
  }
  try {
    config.spawn_remote_workers();
    renoir::StreamContext ctx(config);
    // Each result is stamped with its window's last line: add the window's end to the pair.
    auto out = examples::windowed_counts(ctx, args[1], size, slide)
                   .unkey()
                   .rich_map([](std::pair<std::string, std::size_t> p) {
                     return std::tuple(renoir::current_timestamp() + 1, std::move(p.first), p.second);
                   })
                   .collect_vec();
    ctx.execute_blocking();
    auto rows = out.get();
    if (!rows) return 0;
    std::sort(rows->begin(), rows->end());
    std::string text;
    for (auto& [end, word, n] : *rows) text += std::to_string(end) + ' ' + word + ' ' + std::to_string(n) + '\n';
    std::fwrite(text.data(), 1, text.size(), stdout);
  } catch (const std::exception& e) {
    std::cerr << args[0] << ": error: " << e.what() << '\n';
    return 1;
  }
}
