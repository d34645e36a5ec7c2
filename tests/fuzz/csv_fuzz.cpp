// Fuzzes CSV rows as stream_csv reads them: detail::split_csv_line and append_csv_line, and
// CsvCodec<T>::parse / format for the built-in row types. Bad rows throw std::runtime_error;
// everything else round-trips. (Reading the lines of the file: line_reader_fuzz.cpp.)
#include <renoir/api/csv.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

[[noreturn]] void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "csv fuzz: %s\n%.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// NaN == NaN here: a parsed "nan" formats and parses back to a NaN.
template <class T>
bool same(const T& a, const T& b) {
  if constexpr (std::is_floating_point_v<T>) return a == b || (std::isnan(a) && std::isnan(b));
  else if constexpr (requires { a.has_value(); }) return a.has_value() == b.has_value() && (!a || same(*a, *b));
  else if constexpr (requires { std::tuple_size<T>::value; })
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return (same(std::get<I>(a), std::get<I>(b)) && ...);
    }(std::make_index_sequence<std::tuple_size_v<T>>());
  else return a == b;
}

// Parses the row as a T; if that works, formatting the value and parsing it again gives it back.
template <class T>
void codec(const std::vector<std::string>& fields) {
  renoir::CsvFields f{std::vector<std::string>(fields)};
  T value;
  try {
    value = renoir::CsvCodec<T>::parse(f);
  } catch (const std::runtime_error&) {
    return;
  }
  if (f.consumed() > fields.size()) fail("consumed more fields than the row has");
  std::vector<std::string> formatted;
  renoir::CsvCodec<T>::format(value, formatted);
  renoir::CsvFields again(std::move(formatted));
  try {
    if (!same(renoir::CsvCodec<T>::parse(again), value)) fail("a formatted row parses to another value");
  } catch (const std::runtime_error& e) {
    fail("a formatted row does not parse", e.what());
  }
}

void row(std::string_view line, char sep) {
  std::vector<std::string> fields;
  try {
    fields = renoir::detail::split_csv_line(line, sep);
  } catch (const std::runtime_error&) {
    return;
  }
  std::string joined;
  renoir::detail::append_csv_line(fields, joined, sep);
  if (joined.empty() || joined.back() != '\n') fail("append_csv_line does not end the line");
  joined.pop_back();
  if (renoir::detail::split_csv_line(joined, sep) != fields) fail("split(append(fields)) differs", line);
  codec<int>(fields);
  codec<std::uint8_t>(fields);
  codec<long long>(fields);
  codec<double>(fields);
  codec<float>(fields);
  codec<bool>(fields);
  codec<char>(fields);
  codec<std::string>(fields);
  codec<std::optional<int>>(fields);
  codec<std::pair<int, std::string>>(fields);
  codec<std::tuple<long, double, bool, std::optional<std::string>>>(fields);
}

}  // namespace

// Byte 0: the separator (bits 0-1). The rest: rows, one a line.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr char kSeparators[] = {',', ';', '\t', '|'};
  const char sep = kSeparators[data[0] & 3];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t nl = std::min(text.find('\n', start), text.size());
    row(text.substr(start, nl - start), sep);
    start = nl + 1;
  }
  return 0;
}
