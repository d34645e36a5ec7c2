// Reads the lines of one byte range of a text file (the split that stream_file gives a replica).
#include <renoir/api/line_reader.hpp>

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

namespace renoir::detail {
namespace {
constexpr std::size_t kChunk = 1 << 20;
}  // namespace

LineReader::LineReader(const std::string& path, std::size_t part, std::size_t parts)
    : LineReader(std::make_shared<InputFile>(path), part, parts) {}

LineReader::LineReader(std::shared_ptr<InputFile> file, std::size_t part, std::size_t parts) : file_(std::move(file)) {
  std::uint64_t start = 0;
  if (file_->sized()) {
    limit_ = file_->planned_size();
    start = static_cast<std::uint64_t>((static_cast<unsigned __int128>(limit_) * part) / parts);
    end_ = static_cast<std::uint64_t>((static_cast<unsigned __int128>(limit_) * (part + 1)) / parts);
  } else {  // size unknown (or empty): the first part reads everything there is
    limit_ = std::numeric_limits<std::uint64_t>::max();
    end_ = part == 0 ? limit_ : 0;
  }
  buf_.resize(kChunk);
  // A range that does not start at 0 begins after the first '\n' at or after start-1: the line
  // holding byte start-1 belongs to the previous range.
  if (start > 0) {
    buf_offset_ = start - 1;
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

bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {  // keep the unread tail, at the front
    std::memmove(buf_.data(), buf_.data() + begin_, filled_ - begin_);
    buf_offset_ += begin_;
    filled_ -= begin_;
    begin_ = 0;
  }
  const std::uint64_t at = buf_offset_ + filled_;
  const std::uint64_t left = limit_ - at;  // bytes of the planned size not read yet
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf_.size() - filled_, left));
  const std::size_t n = want == 0 ? 0 : file_->read(buf_.data() + filled_, want, at);
  if (n == 0) {
    if (want > 0 && file_->sized()) file_->throw_shrank(at);  // ended before its planned size
    eof_ = true;
    return false;
  }
  filled_ += n;
  return true;
}

bool LineReader::advance() {
  spilled_ = false;
  long_.clear();
  if (buf_offset_ + begin_ >= end_) return false;
  line_offset_ = buf_offset_ + begin_;
  std::size_t scanned = 0;  // bytes of the current line already searched for '\n'
  for (;;) {
    const void* nl = std::memchr(buf_.data() + begin_ + scanned, '\n', filled_ - begin_ - scanned);
    if (nl || (eof_ && (filled_ > begin_ || spilled_))) {
      const std::size_t stop = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - buf_.data()) : filled_;
      line_ = begin_;
      len_ = stop - begin_;
      begin_ = stop + (nl ? 1 : 0);
      if (spilled_) long_.append(buf_.data() + line_, len_);
      return true;
    }
    if (eof_) return false;
    if (begin_ == 0 && filled_ == buf_.size()) {
      // The line fills the buffer: move what is there into long_ and read on, so that the
      // buffer stays one chunk and a long line is held once, not in a growing buffer and again
      // in the string handed downstream.
      long_.append(buf_.data(), filled_);
      spilled_ = true;
      begin_ = filled_;
      scanned = 0;
    } else {
      scanned = filled_ - begin_;
    }
    if (!fill() && filled_ == begin_ && !spilled_) return false;  // else: the last line has no '\n'
  }
}

bool LineReader::next(std::string_view& line) {
  if (!advance()) return false;
  line = spilled_ ? std::string_view(long_) : std::string_view(buf_.data() + line_, len_);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return true;
}

bool LineReader::next(std::string& line) {
  if (!advance()) return false;
  if (spilled_)
    line.swap(long_);
  else
    line.assign(buf_.data() + line_, len_);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

std::uint64_t LineReader::line_number(const std::shared_ptr<InputFile>& file, std::uint64_t offset) {
  LineReader r(file, 0, 1);
  std::uint64_t n = 1;
  std::string_view line;
  while (r.next(line)) {
    if (r.line_offset() + line.size() >= offset) return n;
    ++n;
  }
  return n;
}

std::uint64_t LineReader::line_number(const std::string& path, std::uint64_t offset) {
  return line_number(std::make_shared<InputFile>(path), offset);
}

}  // namespace renoir::detail
