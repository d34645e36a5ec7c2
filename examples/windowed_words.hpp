// Shared by wordcount_windowed and rolling_top_words: lines numbered as event time, and the
// per-word counts over sliding windows of lines.
#pragma once
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include <renoir/renoir.hpp>

#include "words.hpp"

namespace examples {

/// The lines of a file with their 0-based numbers, read lazily (a range for stream_iter).
class NumberedLines {
 public:
  using Line = std::pair<std::int64_t, std::string>;
  explicit NumberedLines(std::string path) : path_(std::move(path)) {}

  class iterator {
   public:
    iterator() = default;
    explicit iterator(const std::string& path) : in_(std::make_shared<std::ifstream>(path)) {
      if (!*in_) throw std::runtime_error(path + ": cannot open for reading");
      ++*this;
    }
    const Line& operator*() const { return line_; }
    iterator& operator++() {
      if (in_ && std::getline(*in_, line_.second)) {
        line_.first = next_++;
      } else {
        in_.reset();
      }
      return *this;
    }
    bool operator!=(const iterator& o) const { return in_ != o.in_; }

   private:
    std::shared_ptr<std::ifstream> in_;
    Line line_;
    std::int64_t next_ = 0;
  };
  iterator begin() const { return iterator(path_); }
  iterator end() const { return iterator(); }

 private:
  std::string path_;
};

/// Per word, the count in every window of `size` lines starting every `slide` lines: a
/// KeyedStream of (word, count), each pair stamped with its window's last line.
inline auto windowed_counts(renoir::StreamContext& ctx, const std::string& path, std::int64_t size, std::int64_t slide) {
  return ctx.stream_iter(NumberedLines(path))
      .add_timestamps([](const NumberedLines::Line& l) { return renoir::Timestamp(l.first); },
                      [](const NumberedLines::Line& l, renoir::Timestamp t) -> std::optional<renoir::Timestamp> {
                        if (l.first % 256 == 255) return t + 1;  // lines come in order
                        return std::nullopt;
                      })
      .shuffle()  // tokenize on every replica; the line number rides along as event time
      .flat_map([](NumberedLines::Line l) { return Words(std::move(l.second)); })
      .map([](std::string_view w) { return std::string(w); })
      .group_by([](const std::string& w) -> const std::string& { return w; })
      .window(renoir::EventTimeWindow::sliding(size, slide))
      .count();
}

}  // namespace examples
