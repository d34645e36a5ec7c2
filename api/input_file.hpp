// InputFile: a text input opened once, when its stream is declared, and shared by its replicas.
#pragma once
#include <cstdint>
#include <mutex>
#include <string>

namespace renoir::detail {

/// One open regular file read by every replica of a file source through pread on one
/// descriptor: a file unlinked, renamed over or made unreadable once the stream is declared is
/// still the file that is read. The bytes read are those present when the first replica starts
/// (`planned_size`): lines appended later are not read, and a file that shrinks below that size
/// while being read is an error, not silently fewer lines.
class InputFile {
 public:
  /// Opens `path` (without blocking on a FIFO). Throws std::runtime_error naming `path` if it
  /// cannot be opened or is not a regular file (a directory, FIFO, socket or device).
  explicit InputFile(std::string path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& path() const { return path_; }
  int fd() const { return fd_; }

  /// The size of the file when this was first called (by the first replica that starts); the
  /// same for every later call. Thread-safe.
  std::uint64_t planned_size();
  /// False if the file reported size 0 (empty, or a /proc-like file whose size is unknown):
  /// then the first part reads it to its end and the others read nothing.
  bool sized();

  /// Reads up to `n` bytes at `offset`; returns how many (0 at end of file). Throws
  /// std::runtime_error naming the file on a read error (EIO, ...).
  std::size_t read(char* buf, std::size_t n, std::uint64_t offset) const;

  /// Throws the error of a file that ended at `offset`, before its planned size.
  [[noreturn]] void throw_shrank(std::uint64_t offset) const;

 private:
  void plan();
  std::string path_;
  int fd_ = -1;
  std::once_flag planned_;
  std::uint64_t size_ = 0;
};

}  // namespace renoir::detail
