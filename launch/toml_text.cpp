// What a TOML text must be checked for before toml++ may parse it (see toml_text.hpp).
#include "renoir/launch/toml_text.hpp"

#include <algorithm>
#include <cstdio>

namespace renoir::launch::detail {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

unsigned char at(std::string_view text, std::size_t i) { return static_cast<unsigned char>(text[i]); }
bool is_continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

// The length of the UTF-8 sequence at text[i], or 0 if it is not a valid one.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const unsigned char b = at(text, i);
  if (b < 0x80) return 1;
  std::size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) lo = 0xA0;  // overlong
    if (b == 0xED) hi = 0x9F;  // surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) lo = 0x90;  // overlong
    if (b == 0xF4) hi = 0x8F;  // past U+10FFFF
  } else {
    return 0;  // a continuation byte, an overlong 2-byte lead, or past U+10FFFF
  }
  if (i + n > text.size() || at(text, i + 1) < lo || at(text, i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (!is_continuation(at(text, k + i))) return 0;
  return n;
}

bool is_forbidden_control(unsigned char c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
}

// Walks a text, keeping track of the line and column of `pos` for messages.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {
    if (text.starts_with(kByteOrderMark)) pos_ = line_start_ = kByteOrderMark.size();
  }
  bool done() const { return pos_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  std::size_t pos() const { return pos_; }
  void advance(std::size_t n = 1) {
    for (; n > 0 && pos_ < text_.size(); --n) {
      if (text_[pos_++] == '\n') {
        ++line_;
        line_start_ = pos_;
      }
    }
  }
  TomlTextError error(std::string what) const {
    std::size_t column = 1;  // in characters: count the bytes that start one
    for (std::size_t i = line_start_; i < pos_; ++i) column += !is_continuation(at(text_, i));
    return {line_, column, std::move(what)};
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t line_start_ = 0;
};

bool is_trimmed(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::optional<TomlTextError> check_encoding(std::string_view text) {
  Cursor c(text);
  while (!c.done()) {
    const auto b = static_cast<unsigned char>(c.peek());
    if (is_forbidden_control(b)) {
      char code[8];
      std::snprintf(code, sizeof code, "U+%04X", b);
      return c.error(std::string("a control character (") + code +
                     ") that TOML does not allow: write it as an escape in a string");
    }
    const std::size_t n = utf8_length(text, c.pos());
    if (n == 0) return c.error("invalid UTF-8 (the file must be UTF-8 text)");
    c.advance(n);
  }
  return std::nullopt;
}

std::string ascii_placeholders(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  if (text.starts_with(kByteOrderMark)) {  // stays: toml++ skips it
    out = kByteOrderMark;
    i = kByteOrderMark.size();
  }
  for (; i < text.size(); ++i) {
    const unsigned char b = at(text, i);
    if (b < 0x80)
      out.push_back(static_cast<char>(b));
    else if (!is_continuation(b))
      out.push_back('?');
  }
  return out;
}

bool non_ascii_at(std::string_view text, std::size_t line, std::size_t column) {
  std::size_t l = 1, col = 1;
  for (std::size_t i = text.starts_with(kByteOrderMark) ? kByteOrderMark.size() : 0; i < text.size(); ++i) {
    const unsigned char b = at(text, i);
    if (is_continuation(b)) continue;
    if (l == line && col == column) return b >= 0x80;
    if (b == '\n') {
      ++l;
      col = 1;
    } else {
      ++col;
    }
  }
  return false;
}

std::optional<TomlTextError> check_line_ending_backslashes(std::string_view text) {
  Cursor c(text);
  while (!c.done()) {
    const char ch = c.peek();
    if (ch == '#') {  // a comment, to the end of the line
      while (!c.done() && c.peek() != '\n') c.advance();
    } else if (ch == '\'') {  // literal strings: no escapes
      const bool multi = c.peek(1) == '\'' && c.peek(2) == '\'';
      c.advance(multi ? 3 : 1);
      for (;;) {
        if (c.done()) return std::nullopt;
        if (c.peek() != '\'') {
          c.advance();
          continue;
        }
        std::size_t run = 0;
        while (c.peek(run) == '\'') ++run;
        if (!multi) {
          c.advance();
          break;
        }
        c.advance(std::min<std::size_t>(run, 5));  // up to two quotes end the content
        if (run >= 3) break;
      }
    } else if (ch == '"') {
      const bool multi = c.peek(1) == '"' && c.peek(2) == '"';
      c.advance(multi ? 3 : 1);
      for (;;) {
        if (c.done()) return std::nullopt;
        const char s = c.peek();
        if (s == '\\') {
          c.advance();
          if (multi && is_trimmed(c.peek())) {
            while (!c.done() && is_trimmed(c.peek())) c.advance();
            if (static_cast<unsigned char>(c.peek()) >= 0x80)
              return c.error("a non-ASCII character right after a line-ending backslash, which "
                             "toml++ cannot read: write it as an escape (\\uXXXX)");
          } else {
            c.advance();  // the escaped character
          }
        } else if (s == '"') {
          std::size_t run = 0;
          while (c.peek(run) == '"') ++run;
          if (!multi) {
            c.advance();
            break;
          }
          c.advance(std::min<std::size_t>(run, 5));
          if (run >= 3) break;
        } else {
          c.advance();
        }
      }
    } else {
      c.advance();
    }
  }
  return std::nullopt;
}

}  // namespace renoir::launch::detail
