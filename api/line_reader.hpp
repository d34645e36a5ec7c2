// Reads the lines of one byte range of a text file (the split that stream_file gives a replica).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace renoir::detail {

/// The file is cut into `parts` equal byte ranges; a line belongs to the range holding its
/// first byte, so every line is read exactly once, whatever the cut. Lines come without their
/// '\n' and without a trailing '\r' (CRLF files); empty lines are kept.
class LineReader {
 public:
  /// Throws std::runtime_error naming `path` if it cannot be opened or read.
  LineReader(const std::string& path, std::size_t part, std::size_t parts);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  /// The next line, valid until the next call; false at the end of the range.
  bool next(std::string_view& line);

  /// File offset where the last returned line starts.
  std::uint64_t line_offset() const { return line_offset_; }

  /// 1-based line number of the byte at `offset` (counts newlines; for error messages only).
  static std::uint64_t line_number(const std::string& path, std::uint64_t offset);

 private:
  bool fill();  // reads more bytes after the buffered ones; false at end of file

  std::string path_;
  int fd_ = -1;
  std::uint64_t end_ = 0;        // lines must start before this offset
  std::uint64_t buf_offset_ = 0; // file offset of buf_[0]
  std::vector<char> buf_;
  std::size_t begin_ = 0, filled_ = 0;  // unread bytes are buf_[begin_, filled_)
  bool eof_ = false;
  std::uint64_t line_offset_ = 0;
};

}  // namespace renoir::detail
