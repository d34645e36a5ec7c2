// One SSH connection of the launcher, on libssh2 in non-blocking mode: every wait is bounded by
// a deadline and interrupted by a cancellation check, so a stop request or a failure on another
// host never waits for a slow or dead machine. Internal to the launcher (namespace detail).
//
// Implemented in ssh_session.cpp (connection, host key, login, commands) and ssh_sftp.cpp (SFTP).
// Every error is an SshFailure whose message starts with describe(host) and never contains a
// password, a key passphrase or the job secret.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "renoir/launch/cluster_config.hpp"

// libssh2's handle types, without including <libssh2.h> here.
struct _LIBSSH2_SESSION;
struct _LIBSSH2_CHANNEL;
struct _LIBSSH2_SFTP;

namespace renoir::launch::detail {

using Clock = std::chrono::steady_clock;

/// A failure on one host; the message names the host.
struct SshFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Thrown out of a wait when the cancellation check says so (stop requested, another host failed).
struct StopRequested {};

/// Calls libssh2_init() once per process (it is not thread-safe itself).
void init_libssh2_once();

class SshSession {
 public:
  /// `cancelled` is polled while waiting; when it returns true, waits in cancellable mode throw
  /// StopRequested.
  SshSession(const HostConfig& host, std::function<bool()> cancelled);
  ~SshSession();
  SshSession(const SshSession&) = delete;
  SshSession& operator=(const SshSession&) = delete;

  /// TCP connection to host.address:ssh_port within `timeout`.
  void connect(std::chrono::milliseconds timeout);
  /// SSH handshake, then the host key check (unless `cfg.check_host_keys` is false).
  void handshake(const ClusterConfig& cfg, std::chrono::milliseconds timeout);
  /// Password, else key file, else ssh-agent.
  void authenticate(std::chrono::milliseconds timeout);
  /// Opens the SFTP subsystem (once).
  void open_sftp(std::chrono::milliseconds timeout);

  /// SFTP: size and permission bits of a regular file, or nullopt if there is none.
  struct RemoteFile {
    uint64_t size = 0;
    unsigned long permissions = 0;
  };
  std::optional<RemoteFile> stat_file(const std::string& path, std::chrono::milliseconds timeout);
  /// SFTP: creates `dir` and its missing parents (mode 755).
  void make_dirs(const std::string& dir, std::chrono::milliseconds timeout);
  /// SFTP: writes `content` to a temporary name in the directory of `path`, sets mode 755 and
  /// renames it to `path`; if `path` appears meanwhile (another launcher, or another host on a
  /// shared file system) with the right size, keeps that one. `idle_timeout` bounds every step.
  void upload(const std::string& path, std::string_view content,
              std::chrono::milliseconds idle_timeout);
  /// SFTP: removes a file / an empty directory; false if it failed (not found, not empty...).
  bool remove_file(const std::string& path, std::chrono::milliseconds timeout);
  bool remove_dir(const std::string& path, std::chrono::milliseconds timeout);

  /// Opens a session channel (null if the server refused); see retry() for `cancellable`.
  _LIBSSH2_CHANNEL* open_channel(Clock::time_point deadline, bool cancellable);

  /// Opens a session channel and starts `command` on it.
  _LIBSSH2_CHANNEL* exec(const std::string& command, std::chrono::milliseconds timeout);

  /// Runs `command` on a channel of its own, discarding its output; its exit status, or -1 if
  /// it could not be run within `timeout`. Never cancelled, never throws.
  int run_command(const std::string& command, std::chrono::milliseconds timeout);

  /// Waits until the socket is ready for what libssh2 is blocked on, at most `max_wait`.
  void wait_socket(std::chrono::milliseconds max_wait);
  /// Runs `step` until it stops returning LIBSSH2_ERROR_EAGAIN; throws SshFailure("... timed out
  /// while <what>") past `deadline`, and StopRequested if `cancellable` and cancelled() turns true.
  int retry(const std::function<int()>& step, Clock::time_point deadline, std::string_view what,
            bool cancellable = true);

  /// The latest libssh2 error message ("" if none); never contains a secret.
  std::string last_error() const;
  [[noreturn]] void fail(std::string_view what) const;
  bool cancelled() const { return cancelled_(); }

  _LIBSSH2_SESSION* raw() const { return session_; }
  const HostConfig& host() const { return host_; }

 private:
  void check_host_key(const ClusterConfig& cfg);
  void prefer_known_host_key_types(const ClusterConfig& cfg);
  std::string known_hosts_path(const ClusterConfig& cfg) const;

  const HostConfig& host_;
  std::function<bool()> cancelled_;
  int socket_ = -1;
  _LIBSSH2_SESSION* session_ = nullptr;
  _LIBSSH2_SFTP* sftp_ = nullptr;
};

}  // namespace renoir::launch::detail
