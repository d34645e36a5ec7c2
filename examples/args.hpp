// Argument parsing shared by the examples: counts given as plain decimal digits.
#pragma once
#include <charconv>
#include <string>

namespace examples {

/// Parses `s` as a non-negative decimal integer into `out` (digits only: no sign, no spaces, no
/// overflow: std::stoull would take "-5" as 2^64 - 5). False if it is not one.
template <class N>
bool parse_count(const std::string& s, N& out) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace examples
