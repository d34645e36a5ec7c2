// Reads the lines of one byte range of a text file (the split that stream_file gives a replica).
#include <renoir/api/line_reader.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace renoir::detail {
namespace {
constexpr std::size_t kChunk = 1 << 20;

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " '" + path + "': " + std::strerror(errno));
}
}  // namespace

LineReader::LineReader(const std::string& path, std::size_t part, std::size_t parts) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) fail("cannot open input file", path);
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail("cannot stat input file", path);
  if (S_ISDIR(st.st_mode)) {
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("input file '" + path + "' is a directory");
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  const auto start = static_cast<std::uint64_t>((static_cast<unsigned __int128>(size) * part) / parts);
  end_ = static_cast<std::uint64_t>((static_cast<unsigned __int128>(size) * (part + 1)) / parts);
  buf_.resize(kChunk);
  // A range that does not start at 0 begins after the first '\n' at or after start-1: the line
  // holding byte start-1 belongs to the previous range.
  buf_offset_ = start == 0 ? 0 : start - 1;
  if (start > 0) {
    for (;;) {
      if (begin_ == filled_ && !fill()) break;
      const void* nl = std::memchr(buf_.data() + begin_, '\n', filled_ - begin_);
      if (nl) {
        begin_ = static_cast<std::size_t>(static_cast<const char*>(nl) - buf_.data()) + 1;
        break;
      }
      begin_ = filled_;
    }
  }
}

LineReader::~LineReader() {
  if (fd_ >= 0) ::close(fd_);
}

bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {  // keep the unread tail, at the front
    std::memmove(buf_.data(), buf_.data() + begin_, filled_ - begin_);
    buf_offset_ += begin_;
    filled_ -= begin_;
    begin_ = 0;
  }
  if (filled_ == buf_.size()) buf_.resize(buf_.size() * 2);  // a line longer than the buffer
  ssize_t n;
  do {
    n = ::pread(fd_, buf_.data() + filled_, buf_.size() - filled_, static_cast<off_t>(buf_offset_ + filled_));
  } while (n < 0 && errno == EINTR);
  if (n < 0) fail("cannot read input file", path_);
  if (n == 0) {
    eof_ = true;
    return false;
  }
  filled_ += static_cast<std::size_t>(n);
  return true;
}

bool LineReader::next(std::string_view& line) {
  std::size_t scanned = 0;  // bytes of the current line already searched for '\n'
  for (;;) {
    if (buf_offset_ + begin_ >= end_) return false;
    const char* from = buf_.data() + begin_ + scanned;
    const void* nl = std::memchr(from, '\n', filled_ - begin_ - scanned);
    if (nl || (eof_ && filled_ > begin_)) {
      const char* start = buf_.data() + begin_;
      const char* stop = nl ? static_cast<const char*>(nl) : buf_.data() + filled_;
      std::size_t len = static_cast<std::size_t>(stop - start);
      line_offset_ = buf_offset_ + begin_;
      begin_ += len + (nl ? 1 : 0);
      if (len > 0 && start[len - 1] == '\r') --len;
      line = std::string_view(start, len);
      return true;
    }
    if (eof_) return false;
    scanned = filled_ - begin_;
    if (!fill() && filled_ == begin_) return false;  // else: the last line has no '\n'
  }
}

std::uint64_t LineReader::line_number(const std::string& path, std::uint64_t offset) {
  LineReader r(path, 0, 1);
  std::uint64_t n = 1;
  std::string_view line;
  while (r.next(line)) {
    if (r.line_offset() + line.size() >= offset) return n;
    ++n;
  }
  return n;
}

}  // namespace renoir::detail
