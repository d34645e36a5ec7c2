// Fuzzes detail::LineReader (api/line_reader.hpp), which stream_file and stream_csv read their
// input with: a file cut into 1..5 byte ranges, as replicas read it, gives every line once, in
// order, at its offset, without its '\n' and one trailing '\r'.
#include <renoir/api/line_reader.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

[[noreturn]] void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "line_reader fuzz: %s\n%.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// Reads `text` as a file in `parts` ranges and checks the lines against the text's.
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

// Byte 0: the number of ranges (1 + bits 0-2 modulo 5), and with bit 3 a padding line in front
// so that the lines straddle the end of LineReader's first 1 MiB read. The rest is the file.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t parts = 1 + (data[0] & 7) % 5;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] & 8) {
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
