// Tokenizer shared by the word-count examples: maximal runs of ASCII letters, lowercased.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace examples {

/// The words of one line, lowercased, as a lazy range of string_views into the line it owns.
/// Returned from a flat_map, it costs no allocation per word; the views live while the fused
/// chain handles them, so turn them into std::string (as group_by_count's key does) before
/// they leave the block.
class Words {
 public:
  explicit Words(std::string line) : line_(std::move(line)) {
    for (char& c : line_) c = static_cast<char>(c | (is_letter(c) << 5));  // branch-free lowercase
  }

  class iterator {
   public:
    iterator(const std::string* s, std::size_t pos) : s_(s), end_(pos) { advance(); }
    std::string_view operator*() const { return std::string_view(*s_).substr(begin_, end_ - begin_); }
    iterator& operator++() {
      advance();
      return *this;
    }
    bool operator!=(const iterator& o) const { return begin_ != o.begin_; }

   private:
    void advance() {
      const std::size_t n = s_->size();
      begin_ = end_;
      while (begin_ < n && !is_letter((*s_)[begin_])) ++begin_;
      end_ = begin_;
      while (end_ < n && is_letter((*s_)[end_])) ++end_;
    }
    const std::string* s_;
    std::size_t begin_ = 0, end_ = 0;
  };

  iterator begin() const { return iterator(&line_, 0); }
  iterator end() const { return iterator(&line_, line_.size()); }

  static bool is_letter(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

 private:
  std::string line_;
};

/// flat_map callable: a line in, its words out.
inline Words tokenize(std::string line) { return Words(std::move(line)); }

}  // namespace examples
