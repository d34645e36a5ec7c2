// Tokenizer shared by the word-count examples: maximal runs of ASCII letters, lowercased.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace examples {

/// Words of a line: maximal runs of [A-Za-z], lowercased.
inline std::vector<std::string> tokenize(std::string_view line) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && !((line[i] | 0x20) >= 'a' && (line[i] | 0x20) <= 'z')) ++i;
    const std::size_t start = i;
    while (i < line.size() && ((line[i] | 0x20) >= 'a' && (line[i] | 0x20) <= 'z')) ++i;
    if (i > start) {
      std::string w(line.substr(start, i - start));
      for (char& c : w) c = static_cast<char>(c | 0x20);
      words.push_back(std::move(w));
    }
  }
  return words;
}

}  // namespace examples
