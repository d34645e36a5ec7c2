// Rolling top words: the K most frequent words of every sliding window of lines of a file.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include <renoir/renoir.hpp>

#include "args.hpp"
#include "windowed_words.hpp"

int main(int argc, char** argv) {
  auto [config, args] = renoir::RuntimeConfig::from_args(argc, argv);
  std::int64_t size = 0, slide = 0;
  std::size_t k = 0;
  if (args.size() != 5 || !examples::parse_count(args[2], size) || !examples::parse_count(args[3], slide) ||
      !examples::parse_count(args[4], k) || size == 0 || slide == 0 || k == 0) {
    std::cerr << "usage: " << args[0] << " (--local N | --remote CONFIG) FILE WINDOW_LINES SLIDE_LINES K\n"
              << "prints 'window_end word:count ...', the K most frequent words of each window (ties by word)\n";
    return 2;
  }
  try {
    config.spawn_remote_workers();
    renoir::StreamContext ctx(config);
    using WordCount = std::pair<std::string, std::size_t>;
    // The per-word counts of a sliding window are stamped with its last line: a tumbling window
    // of `slide` lines downstream holds exactly one sliding window's counts.
    auto top = examples::windowed_counts(ctx, args[1], size, slide)
                   .unkey()
                   .window_all(renoir::EventTimeWindow::tumbling(slide))
                   .collect_vec()
                   .rich_map([k](std::vector<WordCount> counts) {
                     const auto n = static_cast<std::ptrdiff_t>(std::min(k, counts.size()));
                     std::partial_sort(counts.begin(), counts.begin() + n, counts.end(), [](const auto& a, const auto& b) {
                       return a.second != b.second ? a.second > b.second : a.first < b.first;
                     });
                     counts.resize(static_cast<std::size_t>(n));
                     return std::pair(renoir::current_timestamp() + 1, std::move(counts));
                   })
                   .collect_vec();
    ctx.execute_blocking();
    auto rows = top.get();
    if (!rows) return 0;
    std::sort(rows->begin(), rows->end());
    std::string text;
    for (auto& [end, words] : *rows) {
      text += std::to_string(end);
      for (auto& [w, n] : words) text += ' ' + w + ':' + std::to_string(n);
      text += '\n';
    }
    std::fwrite(text.data(), 1, text.size(), stdout);
  } catch (const std::exception& e) {
    std::cerr << args[0] << ": error: " << e.what() << '\n';
    return 1;
  }
}
