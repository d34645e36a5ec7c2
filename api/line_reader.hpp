// Reads the lines of one byte range of a text file (the split that stream_file gives a replica).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <renoir/api/input_file.hpp>

namespace renoir::detail {

/// The file is cut into `parts` equal byte ranges of its planned size (see InputFile); a line
/// belongs to the range holding its first byte, so every line is read exactly once, whatever
/// the cut. Lines come without their '\n' and without a trailing '\r' (CRLF files); empty lines
/// are kept. Memory stays bounded by the longest line: a line longer than the read buffer is
/// gathered in a string of its own, handed over without a copy by next(std::string&).
class LineReader {
 public:
  LineReader(std::shared_ptr<InputFile> file, std::size_t part, std::size_t parts);
  /// Opens `path` for this reader alone. Throws std::runtime_error naming `path` if it cannot
  /// be opened or is not a regular file.
  LineReader(const std::string& path, std::size_t part, std::size_t parts);
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  /// The next line, valid until the next call; false at the end of the range. Throws
  /// std::runtime_error naming the file on a read error, or if the file shrank below its
  /// planned size.
  bool next(std::string_view& line);
  /// The next line into `line` (a long line is moved in, not copied).
  bool next(std::string& line);

  /// File offset where the last returned line starts.
  std::uint64_t line_offset() const { return line_offset_; }

  /// 1-based line number of the byte at `offset` (counts newlines; for error messages only).
  static std::uint64_t line_number(const std::shared_ptr<InputFile>& file, std::uint64_t offset);
  static std::uint64_t line_number(const std::string& path, std::uint64_t offset);

 private:
  bool advance();  // finds the next line: in buf_ [line_, line_ + len_), or in long_ if spilled_
  bool fill();     // reads more bytes after the buffered ones; false at the end of the data

  std::shared_ptr<InputFile> file_;
  std::uint64_t limit_ = 0;      // bytes of the file this job reads (its planned size)
  std::uint64_t end_ = 0;        // lines must start before this offset
  std::uint64_t buf_offset_ = 0; // file offset of buf_[0]
  std::vector<char> buf_;
  std::size_t begin_ = 0, filled_ = 0;  // unread bytes are buf_[begin_, filled_)
  bool eof_ = false;
  std::uint64_t line_offset_ = 0;
  std::size_t line_ = 0, len_ = 0;  // the current line, when it fits in buf_
  bool spilled_ = false;            // the current line is in long_
  std::string long_;
};

}  // namespace renoir::detail
