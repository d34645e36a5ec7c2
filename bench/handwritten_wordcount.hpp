// Hand-written parallel word count (std::thread + pread + flat maps): the macro benchmark baseline.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

namespace renoir::bench {

using WordCounts = boost::unordered_flat_map<std::string, std::uint64_t>;

namespace detail {

constexpr std::size_t kReadBuffer = 1u << 20;  // bytes per pread

inline bool is_letter(char c) { return static_cast<unsigned char>((c | 0x20) - 'a') < 26; }

// Owns a read-only file descriptor.
class File {
 public:
  explicit File(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "open " + path);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File() { ::close(fd_); }

  std::uint64_t size() const {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) throw std::system_error(errno, std::generic_category(), "fstat");
    return static_cast<std::uint64_t>(st.st_size);
  }
  // Reads up to n bytes at offset; returns 0 only at end of file.
  std::size_t read_at(char* buf, std::size_t n, std::uint64_t offset) const {
    for (;;) {
      const ssize_t r = ::pread(fd_, buf, n, static_cast<off_t>(offset));
      if (r >= 0) return static_cast<std::size_t>(r);
      if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "pread");
    }
  }

 private:
  int fd_;
};

// Splits a line into [A-Za-z]+ words, lowercases them and counts them.
inline void count_line(std::string_view line, WordCounts& counts, std::string& word) {
  std::size_t i = 0;
  const std::size_t n = line.size();
  while (i < n) {
    while (i < n && !is_letter(line[i])) ++i;
    std::size_t j = i;
    while (j < n && is_letter(line[j])) ++j;
    if (j > i) {
      word.assign(line.data() + i, j - i);
      for (char& c : word) c = static_cast<char>(c | 0x20);
      ++counts[word];
    }
    i = j;
  }
}

// Offset of the first line starting at or after `begin`: just past the first '\n' at or
// after begin-1 (or the file size if there is none).
inline std::uint64_t first_line_start(const File& file, std::uint64_t begin, std::uint64_t size,
                                      std::vector<char>& buf) {
  if (begin == 0) return 0;
  std::uint64_t off = begin - 1;
  while (off < size) {
    const std::size_t n = file.read_at(buf.data(), buf.size(), off);
    if (n == 0) break;
    if (const void* nl = std::memchr(buf.data(), '\n', n))
      return off + static_cast<std::uint64_t>(static_cast<const char*>(nl) - buf.data()) + 1;
    off += n;
  }
  return size;
}

// Counts the words of every line whose first byte lies in [begin, end).
inline void count_range(const File& file, std::uint64_t begin, std::uint64_t end,
                        std::uint64_t size, WordCounts& counts) {
  std::vector<char> buf(kReadBuffer);
  std::string pending;  // start of a line cut by the end of the buffer
  std::string word;
  std::uint64_t line_start = first_line_start(file, begin, size, buf);
  std::uint64_t off = line_start;
  while (line_start < end) {
    const std::size_t n = file.read_at(buf.data(), buf.size(), off);
    if (n == 0) {  // last line without a final newline
      count_line(pending, counts, word);
      break;
    }
    const char* p = buf.data();
    const char* const last = p + n;
    while (line_start < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(last - p)));
      if (!nl) {
        pending.append(p, last);
        break;
      }
      if (pending.empty()) {
        count_line(std::string_view(p, static_cast<std::size_t>(nl - p)), counts, word);
      } else {
        pending.append(p, nl);
        count_line(pending, counts, word);
        pending.clear();
      }
      p = nl + 1;
      line_start = off + static_cast<std::uint64_t>(p - buf.data());
    }
    off += n;
  }
}

}  // namespace detail

// Counts the [A-Za-z]+ words (lowercased) of the file at `path` with `threads` threads,
// each owning a contiguous byte range; throws std::system_error on I/O errors.
inline WordCounts handwritten_wordcount(const std::string& path, unsigned threads) {
  threads = std::max(threads, 1u);
  const detail::File file(path);
  const std::uint64_t size = file.size();

  std::vector<WordCounts> partial(threads);
  std::vector<std::exception_ptr> errors(threads);
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) {
    const std::uint64_t begin = size * t / threads;
    const std::uint64_t end = size * (t + 1) / threads;
    workers.emplace_back([&, t, begin, end] {
      try {
        detail::count_range(file, begin, end, size, partial[t]);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  }
  for (auto& w : workers) w.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);

  WordCounts result = std::move(partial[0]);
  for (unsigned t = 1; t < threads; ++t)
    for (auto& [w, c] : partial[t]) result[w] += c;
  return result;
}

}  // namespace renoir::bench
