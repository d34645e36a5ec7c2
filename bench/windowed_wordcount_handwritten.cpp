// The windowed word count of examples/wordcount_windowed written by hand, single-threaded: per
// word, its count in every window of SIZE lines starting every SLIDE lines, printed as
// 'window_end word count' sorted. The baseline of bench/windowed_wordcount_bench.sh.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/container_hash/hash.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include "../examples/args.hpp"
#include "../examples/words.hpp"

int main(int argc, char** argv) {
  std::int64_t size = 0, slide = 0;
  if (argc != 4 || !examples::parse_count(argv[2], size) || !examples::parse_count(argv[3], slide) || size == 0 || slide == 0) {
    std::cerr << "usage: windowed_wordcount_handwritten FILE WINDOW_LINES SLIDE_LINES\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << argv[1] << ": cannot open for reading\n";
    return 1;
  }
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return boost::hash<std::string_view>{}(s); }
  };
  using Counts = boost::unordered_flat_map<std::string, std::int64_t, Hash, std::equal_to<>>;
  std::deque<std::pair<std::int64_t, Counts>> open;  // by window start, consecutive multiples of slide
  std::vector<std::tuple<std::int64_t, std::string, std::int64_t>> rows;
  const auto close = [&](std::pair<std::int64_t, Counts>& w) {
    for (auto& [word, n] : w.second) rows.emplace_back(w.first + size, word, n);
  };
  std::string line;
  for (std::int64_t i = 0; std::getline(in, line); ++i) {
    while (!open.empty() && open.front().first + size <= i) {
      close(open.front());
      open.pop_front();
    }
    const std::int64_t first = (i - size) / slide * slide + slide - ((i - size) % slide < 0 ? slide : 0);
    for (std::int64_t s = std::max<std::int64_t>(first, open.empty() ? first : open.front().first); s <= i / slide * slide; s += slide) {
      if (open.empty() || open.back().first < s) open.emplace_back(s, Counts{});
    }
    const examples::Words words(std::move(line));
    for (std::string_view w : words)
      for (auto& [s, counts] : open)
        if (s <= i && i < s + size) {
          auto it = counts.find(w);  // no string built for a word already counted
          if (it == counts.end()) it = counts.emplace(std::string(w), 0).first;
          ++it->second;
        }
  }
  for (auto& w : open) close(w);
  std::sort(rows.begin(), rows.end());
  std::string text;
  for (auto& [end, word, n] : rows) text += std::to_string(end) + ' ' + word + ' ' + std::to_string(n) + '\n';
  std::fwrite(text.data(), 1, text.size(), stdout);
}
