// What a TOML text must be checked for before toml++ may parse it, and how.
//
// toml++ 3.3 reaches `unreachable` (undefined behaviour: a crash, or worse) when it asks whether
// some non-ASCII characters (U+00A1..U+0499, U+2C6E..U+3067, U+FB06..U+FEFE) are whitespace,
// which it does for every character outside strings and comments, and after a line-ending
// backslash in a multi-line basic string. So a text goes to toml++ only once
//  1. check_encoding() accepts it (valid UTF-8, no control character TOML forbids);
//  2. if it has non-ASCII characters, its ascii_placeholders() copy, where each of them is a
//     '?' (valid in strings and comments, invalid anywhere else), parses: then every non-ASCII
//     character of the text is inside a string or a comment, at the same line and column;
//  3. check_line_ending_backslashes() accepts it (the one place left).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace renoir::launch::detail {

/// Why and where (1-based line, and column in characters, as toml++ counts) a text is refused.
struct TomlTextError {
  std::size_t line = 0;
  std::size_t column = 0;
  std::string what;
};

/// Refuses invalid UTF-8 (overlong forms, surrogates, truncated sequences, past U+10FFFF) and
/// control characters other than tab, CR and LF (TOML forbids them unescaped). A leading byte
/// order mark is fine.
std::optional<TomlTextError> check_encoding(std::string_view text);

/// `text` (valid UTF-8) with every non-ASCII character replaced by one '?'.
std::string ascii_placeholders(std::string_view text);

/// Whether the character at `line`:`column` (as in TomlTextError) of `text` is non-ASCII.
bool non_ascii_at(std::string_view text, std::size_t line, std::size_t column);

/// For valid TOML only: refuses a non-ASCII character as the first one after the whitespace
/// that a line-ending backslash of a multi-line basic string trims (valid TOML, that toml++ 3.3
/// cannot read: the character can be written as an escape, \uXXXX, instead).
std::optional<TomlTextError> check_line_ending_backslashes(std::string_view text);

}  // namespace renoir::launch::detail
