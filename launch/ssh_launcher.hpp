// Starting the workers of a distributed job over SSH (libssh2).
//
// For every host of the cluster, in parallel (one thread per host), launch_workers():
//   1. connects to address:ssh_port (5 s timeout) and does the SSH handshake;
//   2. checks the host key against known_hosts (ClusterConfig::known_hosts, default
//      ~/.ssh/known_hosts) unless check_host_keys = false;
//   3. logs in: password if configured, else key_file (+ key_passphrase), else ssh-agent;
//   4. uploads the executable over SFTP to <remote_dir>/<content hash>/<name>, unless a file of
//      that size is already there (so later runs of the same binary skip the upload); the
//      upload goes to a temporary name, gets mode 755 and is renamed, so a half-written file
//      never looks complete;
//   5. once every host got this far (so that workers start together, whatever each upload
//      took), runs  cd <dir> && echo renoir-worker-pid $$ && exec env RENOIR_HOST_ID=<i> ... ./<name>
//      <args>  (every word quoted for the shell; the pid line, which tells the launcher the
//      worker's process group, is not passed on), writes the handshake on the worker's stdin
//      and keeps the channel open;
//   6. streams the worker's stdout and stderr, line by line, to ours, each line prefixed by
//      "<host address>|" (see output_prefix());
//   7. waits for the worker's exit status.
// If a worker fails (non-zero exit, killed by a signal, connection lost, or a host cannot be
// reached, logged into or set up) or `stop` turns true, every other worker is stopped within
// seconds: the launcher closes the worker's stdin (end-of-file: the worker exits, see
// worker_watchdog.hpp) and sends SIGTERM to its process group (`kill -s TERM -- -<pgid>` on a
// second channel: libssh2 1.10 cannot send the "signal" channel request; with libssh2 >= 1.11
// that request is sent too). After LaunchOptions::stop_grace it sends SIGKILL the same way,
// and a second later drops the connection. Hosts not yet running their worker give up at once.
// With cleanup_binaries, the uploaded executables are removed once every worker has ended.
//
// If the launcher itself dies, its SSH sessions end: sshd closes every worker's stdin and the
// sshd session process (the worker's parent) exits; a worker following the contract exits.
//
// The process contract with the worker (environment variables, the stdin handshake, exiting
// when stdin closes) is documented in worker_watchdog.hpp, which also implements its side.
//
// remote_dir may be absolute or relative to the remote user's home directory ("~" is not
// expanded). Workers run in the directory of their executable.
//
// Dry run: with RENOIR_LAUNCH_DRY_RUN=1 (or LaunchOptions::dry_run) nothing is connected; the
// launcher prints, per host, the connection, the upload and the exact remote command.
// Secrets (password, key passphrase, job secret) never appear in any message or command line.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "renoir/launch/cluster_config.hpp"

namespace renoir::launch {

/// What to start on every host.
struct LaunchSpec {
  /// Path of the executable to run everywhere (e.g. "/proc/self/exe"; symlinks are resolved, the
  /// remote file gets the target's name).
  std::string local_executable;
  /// Program arguments (argv[1..]) passed through unchanged.
  std::vector<std::string> args;
  /// Per-job secret, sent on the workers' stdin (never on a command line, never logged). Must
  /// not contain '\n' or '\r'.
  std::string job_secret;
  /// ClusterConfig::to_toml(), sent on the workers' stdin after the secret.
  std::string config_toml;
  /// Extra environment variables for the workers (names [A-Za-z_][A-Za-z0-9_]*; the RENOIR_*
  /// variables of the contract are set by the launcher and may not be overridden).
  std::vector<std::pair<std::string, std::string>> env;
};

/// The spec or the local executable is unusable (nothing was started). Never contains a secret.
struct LaunchError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// What the launcher reports, through LaunchOptions::output.
enum class LaunchEvent {
  worker_stdout,  ///< One line the worker wrote on stdout (without the newline).
  worker_stderr,  ///< One line the worker wrote on stderr.
  info,           ///< Progress: connected, uploaded, upload skipped, started, stopped...
  error,          ///< Why a host failed ("host 1 (a:9500): authentication failed ...").
  dry_run,        ///< What a dry run would do.
};

/// Receives every line of output and every message, from the hosts' threads concurrently
/// (it must be thread-safe). `text` of info/error/dry_run messages starts with describe(host).
using LaunchOutput = std::function<void(const HostConfig& host, LaunchEvent event,
                                        std::string_view text)>;

/// The prefix of a worker's output lines: its address, or "address:base_port" if several
/// hosts of `cfg` share the address.
std::string output_prefix(const ClusterConfig& cfg, const HostConfig& host);

/// The default output: worker lines to our stdout / stderr as "<prefix>|<line>", errors (and,
/// if `verbose`, info messages) to stderr as "renoir-launch: <message>", the dry run to stdout.
/// One write per line, serialized, so lines of different hosts never mix.
LaunchOutput print_launch_output(const ClusterConfig& cfg, bool verbose);

struct LaunchOptions {
  /// Where output and messages go; empty: print_launch_output(cfg, verbose).
  LaunchOutput output;
  /// Print the commands instead of running them.
  bool dry_run = false;
  /// Report info messages too (with the default output).
  bool verbose = false;
  /// TCP connection timeout.
  std::chrono::milliseconds connect_timeout{5000};
  /// Bound of each SSH step: handshake, authentication, each SFTP request, starting the worker.
  std::chrono::milliseconds ssh_timeout{20000};
  /// After asking a worker to stop, how long to wait before dropping its connection.
  std::chrono::milliseconds stop_grace{3000};

  /// Defaults, with dry_run from RENOIR_LAUNCH_DRY_RUN=1 and verbose from RENOIR_LAUNCH_VERBOSE=1.
  static LaunchOptions from_env();
};

/// Status of a run stopped on request (like a shell's Ctrl-C): 128 + SIGINT.
inline constexpr int kLaunchStoppedStatus = 130;
/// Status of a host that could not be reached, logged into or set up, or whose connection was
/// lost (like ssh(1)).
inline constexpr int kLaunchHostErrorStatus = 255;

/// What happened on one host.
struct HostOutcome {
  /// Exit status of the worker; 128 + n if killed by signal n; kLaunchHostErrorStatus if the
  /// host failed before or while running it; kLaunchStoppedStatus if it was stopped before
  /// its worker started.
  int status = 0;
  bool uploaded = false;  ///< The executable was uploaded (false: it was already there).
  bool started = false;   ///< The worker was started.
  bool stopped = false;   ///< The launcher stopped it (after another failure or a stop request).
  std::string error;      ///< Why the host failed, "" if it did not (names the host).
};

struct LaunchResult {
  /// 0 if every worker exited 0; else the status of the first failure (in time), or
  /// kLaunchStoppedStatus if `stop` was requested before any failure.
  int status = 0;
  std::vector<HostOutcome> hosts;  ///< Indexed like cfg.hosts.
};

/// Runs the workers as described above and reports through `options`. Throws LaunchError if
/// the spec is invalid or the executable cannot be read (before contacting any host).
LaunchResult run_workers(const ClusterConfig& cfg, const LaunchSpec& spec,
                         const std::atomic<bool>& stop, const LaunchOptions& options);

/// run_workers() with LaunchOptions::from_env(); returns the combined status.
int launch_workers(const ClusterConfig& cfg, const LaunchSpec& spec,
                   const std::atomic<bool>& stop);

}  // namespace renoir::launch
