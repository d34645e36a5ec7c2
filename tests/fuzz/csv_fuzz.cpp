// Fuzzes the CSV reader: detail::LineReader over a file cut into 1..5 byte ranges (as
// stream_file / stream_csv replicas read it), detail::split_csv_line and append_csv_line, and
// CsvCodec<T>::parse / format for the built-in row types. Bad rows throw std::runtime_error;
// everything else round-trips.
#include <renoir/api/csv.hpp>
#include <renoir/api/line_reader.hpp>

#include <sys/mman.h>
#include <unistd.h>

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

// LineReader reads the input as a file in `parts` ranges: together the ranges give every line
// once, in order, at its offset, without '\n' and one trailing '\r'.
void lines(std::string_view text, std::size_t parts) {
  std::vector<std::pair<std::uint64_t, std::string_view>> expected;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t nl = text.find('\n', start);
    std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(start, end - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    expected.emplace_back(start, line);
    start = end + 1;
  }
  const int fd = memfd_create("csv_fuzz", MFD_CLOEXEC);
  if (fd < 0) fail("memfd_create failed");
  if (!text.empty() && write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    fail("write failed");
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  std::size_t k = 0;
  for (std::size_t part = 0; part < parts; ++part) {
    renoir::detail::LineReader reader(path, part, parts);
    std::string_view line;
    while (reader.next(line)) {
      if (k >= expected.size()) fail("more lines than in the file");
      if (reader.line_offset() != expected[k].first || line != expected[k].second)
        fail("a line differs from the file's", line);
      ++k;
    }
  }
  if (k != expected.size()) fail("lines are missing");
  if (!expected.empty() && text.size() < 4096) {
    const auto& [offset, line] = expected.back();
    if (renoir::detail::LineReader::line_number(path, offset) != expected.size())
      fail("line_number of the last line is wrong");
  }
  close(fd);
}

}  // namespace

// Byte 0: bits 0-1 the separator; bits 6 and 7 both set: also read the rows as a file, in 1..5
// ranges (bits 2-4; a quarter of the inputs only, as each LineReader maps a 1 MiB buffer), after
// a padding line if bit 5 is set, so that lines straddle that buffer. The rest is the file.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr char kSeparators[] = {',', ';', '\t', '|'};
  const char sep = kSeparators[data[0] & 3];
  const std::size_t parts = 1 + ((data[0] >> 2) & 7) % 5;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t nl = std::min(text.find('\n', start), text.size());
    row(text.substr(start, nl - start), sep);
    start = nl + 1;
  }
  if ((data[0] & 0xC0) != 0xC0) return 0;
  if (data[0] & 32) {
    constexpr std::size_t kBuffer = std::size_t{1} << 20;  // LineReader's first read
    std::string padded(kBuffer - 1 - text.size() % 512, 'p');
    padded += '\n';
    padded += text;
    lines(padded, parts);
  } else {
    lines(text, parts);
  }
  return 0;
}
