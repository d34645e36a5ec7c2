// Ownership of a libfabric shm address between processes of one machine, through lock files.
#include "renoir/transport/shm_claim.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>

#include "renoir/transport/transport.hpp"

namespace renoir::transport::detail {
namespace {

std::string lock_path_of(const std::string& region) {
  std::string name = region;
  for (char& c : name)
    if (c == '/') c = '_';
  return "/dev/shm/" + name + ".renoir-lock";
}

std::string read_owner(int fd) {
  char buf[32] = {};
  const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  std::string s(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\0')) s.pop_back();
  return s;
}

std::mutex closed_mutex;
std::set<std::string> closed_names;  // owned by an endpoint of this process that closed

}  // namespace

std::string shm_region_name(const void* addr, std::size_t len) {
  std::string text(static_cast<const char*>(addr), len);
  text = text.c_str();  // drop the terminating NUL
  if (auto scheme = text.find("://"); scheme != std::string::npos) text.erase(0, scheme + 3);
  return text;
}

ShmClaim::ShmClaim(std::string region_name)
    : region_(std::move(region_name)), lock_path_(lock_path_of(region_)) {
  // The owner removes its lock file before releasing the lock: after locking, check that the
  // path still names the locked file, or we would hold a lock nobody else can see.
  for (int attempt = 0;; ++attempt) {
    fd_ = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0)
      throw TransportError("shm address " + region_ + ": cannot create " + lock_path_ + ": " +
                           std::strerror(errno));
    // A peer probing readiness holds a shared lock for a few microseconds: retry briefly.
    int rc = ::flock(fd_, LOCK_EX | LOCK_NB);
    for (int i = 0; rc != 0 && errno == EWOULDBLOCK && i < 500; ++i) {
      ::usleep(1000);
      rc = ::flock(fd_, LOCK_EX | LOCK_NB);
    }
    if (rc != 0) {
      const int err = errno;
      const std::string owner = err == EWOULDBLOCK ? read_owner(fd_) : std::string();
      ::close(fd_);
      fd_ = -1;
      throw TransportError("shm address " + region_ + " is already in use by another process" +
                           (owner.empty() ? std::string() : " (pid " + owner + ")") +
                           (err == EWOULDBLOCK ? std::string() : ": " + std::string(std::strerror(err))));
    }
    struct stat locked{}, named{};
    if (::fstat(fd_, &locked) == 0 && ::stat(lock_path_.c_str(), &named) == 0 &&
        locked.st_ino == named.st_ino && locked.st_dev == named.st_dev)
      break;
    ::close(fd_);
    fd_ = -1;
    if (attempt == 100) throw TransportError("shm address " + region_ + ": cannot lock " + lock_path_);
  }
  // We own the address: a region still under its name was left by a process that died.
  ::shm_unlink(region_.c_str());
  if (::ftruncate(fd_, 0) != 0) {
    // harmless: readiness is only ever written by the owner, after this point
  }
}

void ShmClaim::mark_ready() {
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size()))
    throw TransportError("shm address " + region_ + ": cannot write " + lock_path_ + ": " +
                         std::strerror(errno));
}

ShmClaim::~ShmClaim() {
  if (fd_ < 0) return;
  // Still holding the lock: nobody can take the address between the unlink and the close.
  ::unlink(lock_path_.c_str());
  ::close(fd_);
  std::lock_guard lock(closed_mutex);
  closed_names.insert(region_);
}

bool shm_closed_in_this_process(const std::string& region_name) {
  std::lock_guard lock(closed_mutex);
  return closed_names.count(region_name) != 0;
}

bool shm_peer_ready(const std::string& region_name) {
  const std::string path = lock_path_of(region_name);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;  // not started yet
  bool ready = false;
  if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
    ::flock(fd, LOCK_UN);  // nobody holds it: the owner died or is gone
  } else if (errno == EWOULDBLOCK) {
    ready = !read_owner(fd).empty();  // held: live, and ready once it wrote its pid
  }
  ::close(fd);
  return ready;
}

}  // namespace renoir::transport::detail
