// InputFile: a text input opened once, when its stream is declared, and shared by its replicas.
#include <renoir/api/input_file.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace renoir::detail {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, int error) {
  throw std::runtime_error(what + " '" + path + "': " + std::strerror(error));
}

const char* kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

}  // namespace

InputFile::InputFile(std::string path) : path_(std::move(path)) {
  // O_NONBLOCK: opening a FIFO without a writer would block; it is rejected below anyway.
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd_ < 0) fail("cannot open input file", path_, errno);
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    const int e = errno;
    ::close(fd_);
    fail("cannot stat input file", path_, e);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd_);
    fd_ = -1;
    const std::string what = kind(st.st_mode);
    throw std::runtime_error("input file '" + path_ + "' is " + what +
                             (S_ISDIR(st.st_mode) ? std::string()
                                                  : ": the lines of a file are split across replicas by byte "
                                                    "range, which needs a regular file (copy the data into one)"));
  }
  const int flags = ::fcntl(fd_, F_GETFL);
  if (flags >= 0) ::fcntl(fd_, F_SETFL, flags & ~O_NONBLOCK);
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

void InputFile::plan() {
  std::call_once(planned_, [this] {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) fail("cannot stat input file", path_, errno);
    size_ = static_cast<std::uint64_t>(st.st_size);
  });
}

std::uint64_t InputFile::planned_size() {
  plan();
  return size_;
}

bool InputFile::sized() {
  plan();
  return size_ > 0;
}

std::size_t InputFile::read(char* buf, std::size_t n, std::uint64_t offset) const {
  ssize_t got;
  do {
    got = ::pread(fd_, buf, n, static_cast<off_t>(offset));
  } while (got < 0 && errno == EINTR);
  if (got < 0) fail("cannot read input file", path_, errno);
  return static_cast<std::size_t>(got);
}

void InputFile::throw_shrank(std::uint64_t offset) const {
  throw std::runtime_error("input file '" + path_ + "' shrank while being read: it had " + std::to_string(size_) +
                           " bytes when the job started and ends at byte " + std::to_string(offset) +
                           " (truncated or rewritten during the job?)");
}

}  // namespace renoir::detail
