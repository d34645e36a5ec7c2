// The SFTP half of SshSession: checking, uploading and removing the executable.
#include <libssh2.h>
#include <libssh2_sftp.h>

#include <mutex>
#include <random>

#include "renoir/launch/ssh_session.hpp"

namespace renoir::launch::detail {
namespace {

using std::chrono::milliseconds;

std::string sftp_error_name(unsigned long code) {
  switch (code) {
    case LIBSSH2_FX_NO_SUCH_FILE: return "no such file";
    case LIBSSH2_FX_PERMISSION_DENIED: return "permission denied";
    case LIBSSH2_FX_FAILURE: return "failure";
    case LIBSSH2_FX_NO_SUCH_PATH: return "no such path";
    case LIBSSH2_FX_FILE_ALREADY_EXISTS: return "file already exists";
    case LIBSSH2_FX_WRITE_PROTECT: return "write-protected";
    case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM: return "no space left on the file system";
    case LIBSSH2_FX_QUOTA_EXCEEDED: return "quota exceeded";
    case LIBSSH2_FX_NOT_A_DIRECTORY: return "not a directory";
    case LIBSSH2_FX_CONNECTION_LOST: return "connection lost";
    default: return "SFTP error " + std::to_string(code);
  }
}

std::string random_hex() {
  static std::mutex m;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard lock(m);
  uint64_t v = rng();
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 12; ++i, v >>= 4) out.push_back(kDigits[v & 15]);
  return out;
}

}  // namespace

void SshSession::open_sftp(milliseconds timeout) {
  if (sftp_ != nullptr) return;
  retry(
      [&] {
        sftp_ = libssh2_sftp_init(session_);
        if (sftp_ != nullptr) return 0;
        int e = libssh2_session_last_errno(session_);
        return e == LIBSSH2_ERROR_EAGAIN ? e : -1;
      },
      Clock::now() + timeout, "starting SFTP");
  if (sftp_ == nullptr) fail("upload failed: cannot start SFTP: " + last_error());
}

std::optional<SshSession::RemoteFile> SshSession::stat_file(const std::string& path,
                                                            milliseconds timeout) {
  LIBSSH2_SFTP_ATTRIBUTES attrs{};
  int rc = retry(
      [&] {
        return libssh2_sftp_stat_ex(sftp_, path.c_str(), static_cast<unsigned>(path.size()),
                                    LIBSSH2_SFTP_STAT, &attrs);
      },
      Clock::now() + timeout, "checking " + path);
  if (rc == LIBSSH2_ERROR_SFTP_PROTOCOL) {
    unsigned long code = libssh2_sftp_last_error(sftp_);
    if (code == LIBSSH2_FX_NO_SUCH_FILE || code == LIBSSH2_FX_NO_SUCH_PATH) return std::nullopt;
    fail("cannot check " + path + ": " + sftp_error_name(code));
  }
  if (rc != 0) fail("cannot check " + path + ": " + last_error());
  return RemoteFile{attrs.filesize, attrs.permissions};
}

void SshSession::make_dirs(const std::string& dir, milliseconds timeout) {
  std::string prefix;
  std::size_t pos = 0;
  if (dir.starts_with('/')) {
    prefix = "/";
    pos = 1;
  }
  while (pos < dir.size()) {
    std::size_t end = dir.find('/', pos);
    if (end == std::string::npos) end = dir.size();
    if (end > pos) {
      if (!prefix.empty() && prefix.back() != '/') prefix.push_back('/');
      prefix.append(dir, pos, end - pos);
      auto st = stat_file(prefix, timeout);
      if (!st) {
        int rc = retry(
            [&] {
              return libssh2_sftp_mkdir_ex(sftp_, prefix.c_str(),
                                           static_cast<unsigned>(prefix.size()), 0755);
            },
            Clock::now() + timeout, "creating directory " + prefix);
        if (rc != 0) {
          std::string why = rc == LIBSSH2_ERROR_SFTP_PROTOCOL
                                ? sftp_error_name(libssh2_sftp_last_error(sftp_))
                                : last_error();
          st = stat_file(prefix, timeout);  // created meanwhile by someone else?
          if (!st) fail("upload failed: cannot create directory " + prefix + ": " + why);
        } else {
          st = RemoteFile{0, LIBSSH2_SFTP_S_IFDIR | 0755};
        }
      }
      if (!LIBSSH2_SFTP_S_ISDIR(st->permissions))
        fail("upload failed: " + prefix + " exists and is not a directory");
    }
    pos = end + 1;
  }
}

bool SshSession::remove_file(const std::string& path, milliseconds timeout) {
  int rc = retry(
      [&] {
        return libssh2_sftp_unlink_ex(sftp_, path.c_str(), static_cast<unsigned>(path.size()));
      },
      Clock::now() + timeout, "removing " + path, false);
  return rc == 0;
}

bool SshSession::remove_dir(const std::string& path, milliseconds timeout) {
  int rc = retry(
      [&] {
        return libssh2_sftp_rmdir_ex(sftp_, path.c_str(), static_cast<unsigned>(path.size()));
      },
      Clock::now() + timeout, "removing directory " + path, false);
  return rc == 0;
}

void SshSession::upload(const std::string& path, std::string_view content,
                        milliseconds idle_timeout) {
  // A name no other upload uses; the final name only ever appears complete (rename).
  const std::string tmp = path + ".part-" + random_hex();
  LIBSSH2_SFTP_HANDLE* handle = nullptr;
  auto sftp_why = [&](int rc) {
    return rc == LIBSSH2_ERROR_SFTP_PROTOCOL ? sftp_error_name(libssh2_sftp_last_error(sftp_))
                                             : last_error();
  };
  auto discard = [&] {
    if (handle != nullptr) {
      auto d = Clock::now() + milliseconds(2000);
      try {
        retry([&] { return libssh2_sftp_close_handle(handle); }, d, "closing", false);
      } catch (...) {
      }
      handle = nullptr;
    }
    try {
      remove_file(tmp, milliseconds(2000));
    } catch (...) {
    }
  };
  try {
    retry(
        [&] {
          handle = libssh2_sftp_open_ex(sftp_, tmp.c_str(), static_cast<unsigned>(tmp.size()),
                                        LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC,
                                        0700, LIBSSH2_SFTP_OPENFILE);
          if (handle != nullptr) return 0;
          int e = libssh2_session_last_errno(session_);
          return e == LIBSSH2_ERROR_EAGAIN ? e : -1;
        },
        Clock::now() + idle_timeout, "creating " + tmp);
    if (handle == nullptr) {
      int e = libssh2_session_last_errno(session_);
      fail("upload failed: cannot create " + tmp + ": " + sftp_why(e));
    }
    std::size_t done = 0;
    while (done < content.size()) {
      std::size_t chunk = std::min<std::size_t>(content.size() - done, 1 << 20);
      ssize_t n = 0;
      retry(
          [&] {
            n = libssh2_sftp_write(handle, content.data() + done, chunk);
            return n < 0 ? static_cast<int>(n) : 0;
          },
          Clock::now() + idle_timeout, "uploading to " + tmp);
      if (n < 0)
        fail("upload failed: cannot write " + tmp + ": " + sftp_why(static_cast<int>(n)));
      done += static_cast<std::size_t>(n);
    }
    LIBSSH2_SFTP_ATTRIBUTES attrs{};
    attrs.flags = LIBSSH2_SFTP_ATTR_PERMISSIONS;
    attrs.permissions = 0755;
    int rc = retry([&] { return libssh2_sftp_fsetstat(handle, &attrs); },
                   Clock::now() + idle_timeout, "setting the mode of " + tmp);
    if (rc != 0) fail("upload failed: cannot chmod 755 " + tmp + ": " + sftp_why(rc));
    rc = retry([&] { return libssh2_sftp_close_handle(handle); }, Clock::now() + idle_timeout,
               "closing " + tmp);
    handle = nullptr;
    if (rc != 0) fail("upload failed: cannot close " + tmp + ": " + sftp_why(rc));
    rc = retry(
        [&] {
          return libssh2_sftp_rename_ex(
              sftp_, tmp.c_str(), static_cast<unsigned>(tmp.size()), path.c_str(),
              static_cast<unsigned>(path.size()),
              LIBSSH2_SFTP_RENAME_OVERWRITE | LIBSSH2_SFTP_RENAME_ATOMIC |
                  LIBSSH2_SFTP_RENAME_NATIVE);
        },
        Clock::now() + idle_timeout, "renaming " + tmp);
    if (rc != 0) {
      // SFTP v3 (OpenSSH) refuses to rename over an existing file: someone else finished the
      // same upload first. Keep theirs if it is complete.
      std::string why = sftp_why(rc);
      auto existing = stat_file(path, idle_timeout);
      if (!existing || existing->size != content.size())
        fail("upload failed: cannot rename " + tmp + " to " + path + ": " + why);
      discard();
    }
  } catch (...) {
    discard();
    throw;
  }
}

}  // namespace renoir::launch::detail
